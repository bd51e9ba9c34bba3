"""One journey, one truth (issue 12): a hypothesis state machine drives random
sequences of the real services on PostgreSQL, with a frozen clock that moves on,
and after every step checks that the apps do not contradict each other.

CI runs JOURNEY_EXAMPLES (default 200) sequences of up to JOURNEY_STEPS (default 8)
steps. A long search, for a quiet machine:

    JOURNEY_EXAMPLES=5000 JOURNEY_STEPS=30 make test \
        PYTEST_ARGS="tests/test_journey_state_machine.py"

Any failure it finds is shrunk to a short sequence: write that sequence as a plain
test in tests/test_journey_defects.py, see it fail, then fix the shared mechanism.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.access import Capability, access_for
from accounts.models import Role, User
from audit.models import AuditEvent
from configuration.services import tutor_hand_on
from learners.models import (
    Consent,
    ConsentKind,
    CourseStatus,
    CustodyStatus,
    Learner,
    TimelineEvent,
)
from learners.selectors import learner_list_for_user
from learners.services import (
    consent_give,
    consent_withdraw,
    intake_save,
    learner_change_course_status,
    learner_enrol,
    learner_regional_manager_change,
    learner_regional_manager_take_on,
    learner_transfer,
    learner_update,
)
from notifications import sweep
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_run
from reports.figures import impact_figures
from reports.figures_store import figures_refresh_stale, impact_figures_stored
from reports.models import CaseStudy, CaseStudyStatus, FiguresStale, PrisonFigures
from reports.services import case_study_start, has_case_study_consent
from resettlement import self_reports
from resettlement.models import FollowUp, OutcomeKind, OutcomeSource, Release, SelfReport
from resettlement.selectors import self_reports_to_confirm_for_user
from resettlement.services import custody_return, follow_up_record, release_record
from reviews import services as reviews
from reviews.models import Intervention, InterventionKind, InterventionStatus, Module
from reviews.schedule import ReviewState
from reviews.selectors import reviews_due_for_user, schedule_for
from tests.factories import PrisonFactory, UserFactory
from tests.reviews.factories import ModuleFactory, TrackFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("JOURNEY_EXAMPLES", "200"))
STEPS = int(os.environ.get("JOURNEY_STEPS", "8"))
START = "2026-01-05 12:00:00"
NO_ANSWERS = {
    "education": "",
    "work_history": "",
    "coding_experience": "",
    "ambitions": "",
    "ambition_categories": [],
    "support_needs": [],
    "reasonable_adjustments": "",
    "priorities": [],
    "priorities_notes": "",
    "release_area": "",
}


INTERVENTION_KINDS = (NotificationKind.INTERVENTION_DUE, NotificationKind.INTERVENTION_OVERDUE)


class Staff:
    """Built once per test run (password hashing is slow); each example rolls back
    everything else."""

    def __init__(self):
        self.prisons = [PrisonFactory(name="HMP Humber"), PrisonFactory(name="HMP Risley")]
        self.managers = {
            p.pk: UserFactory(role=Role.REGIONAL_MANAGER, prisons=[p]) for p in self.prisons
        }
        # A second regional manager at each prison, to change to (issue 17 item 8).
        self.second_managers = {
            p.pk: UserFactory(role=Role.REGIONAL_MANAGER, prisons=[p]) for p in self.prisons
        }
        self.tutors = {p.pk: UserFactory(role=Role.TUTOR, prisons=[p]) for p in self.prisons}
        # A second tutor at each prison, to hand a departing tutor's learners on to.
        self.second_tutors = {p.pk: UserFactory(role=Role.TUTOR, prisons=[p]) for p in self.prisons}
        self.administrator = UserFactory(role=Role.ADMINISTRATOR)
        self.omus = {p.pk: UserFactory(role=Role.OMU, prisons=[p]) for p in self.prisons}
        self.director = UserFactory(role=Role.DIRECTOR)
        track = TrackFactory(name="Web foundations")
        self.modules = [
            ModuleFactory(track=track, title=f"Module {n}", order=n) for n in range(1, 4)
        ]


class Journey(RuleBasedStateMachine):
    staff: Staff

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = freeze_time(START)
        self.frozen = self.clock.start()
        today = timezone.localdate()
        self.learner = learner_enrol(
            actor=self.manager(self.staff.prisons[0].pk),
            data={
                "prison_number": "A1234BC",
                "first_name": "Jamie",
                "last_name": "Doyle",
                "date_of_birth": dt.date(1990, 5, 17),
                "prison": self.staff.prisons[0],
                "joined_on": today - dt.timedelta(days=7),
                "expected_release_on": today + dt.timedelta(days=400),
                "tutor": self.staff.tutors[self.staff.prisons[0].pk],
            },
        )

        # Regional managers this learner had until a change of regional manager.
        self.replaced: set[int] = set()
        # Tutors who handed the learner on (and have not taken on work about them since).
        self.handed_on: set[int] = set()

    def teardown(self):
        self.clock.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # Helpers

    def fresh(self) -> Learner:
        self.learner = Learner.objects.get(pk=self.learner.pk)
        return self.learner

    def manager(self, prison_id: int):
        return self.staff.managers[prison_id]

    def tutor(self):
        return self.staff.tutors[self.learner.prison_id]

    def today(self) -> dt.date:
        return timezone.localdate()

    def counts(self) -> tuple[int, int]:
        return (
            TimelineEvent.objects.filter(learner_id=self.learner.pk).count(),
            AuditEvent.objects.filter(learner_ref=self.learner.pk).count(),
        )

    def snapshot(self) -> tuple:
        row = Learner.objects.filter(pk=self.learner.pk).values().get()
        row.pop("updated_at")
        return (row, self.counts())

    def change(self, do) -> bool:
        """Run one service call. A change writes a timeline entry and an audit event;
        a refused one changes nothing at all (nor does saving what is already there)."""
        before = self.snapshot()
        try:
            do()
        except ValidationError:
            assert self.snapshot() == before, "a refused move changed the record"
            self.fresh()
            return False
        after = self.snapshot()
        if after != before:  # not a no-op (the same date saved again, say)
            assert after[1][0] > before[1][0], "a change left no timeline entry"
            assert after[1][1] > before[1][1], "a change left no audit event"
        self.fresh()
        return True

    # Rules: the real services, as the pages call them

    @rule(days=st.integers(min_value=1, max_value=45))
    def time_passes(self, days):
        self.frozen.tick(dt.timedelta(days=days))

    @precondition(lambda self: self.learner.intake_completed_on is None)
    @rule(consent=st.booleans())
    def intake(self, consent):
        today = self.today()
        self.change(
            lambda: intake_save(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                answers={**NO_ANSWERS, "held_on": today},
                restricted=None,
                expected_release_on=self.learner.expected_release_on,
                consents={
                    ConsentKind.SHARE_WITH_OMU: today if consent else None,
                    ConsentKind.CASE_STUDY: today if consent else None,
                },
                goals=[],
            )
        )

    @rule(index=st.integers(min_value=0, max_value=2))
    def complete_module(self, index):
        module = self.staff.modules[index]
        if self.learner.completions.filter(module=module).exists():
            return
        self.change(
            lambda: reviews.completion_record(
                actor=self.tutor(),
                learner=self.learner,
                module=module,
                completed_on=self.today(),
                assessed_by=self.tutor(),
                evidence="Built a page",
            )
        )

    @rule()
    def hold_review(self):
        tutor = self.tutor()
        review = reviews.review_start(actor=tutor, learner=self.learner)
        self.change(
            lambda: reviews.review_save(
                actor=tutor,
                review=review,
                version=review.version,
                data={"held_on": self.today(), "rag": "green", "progress": "Good"},
                ratings={},
                complete=True,
            )
        )

    @rule()
    def pause_or_resume(self):
        pause = self.learner.review_pauses.filter(ended_on__isnull=True).first()
        if pause is None:
            self.change(
                lambda: reviews.pause_start(
                    actor=self.tutor(),
                    learner=self.learner,
                    reason="lockdown",
                    started_on=self.today(),
                )
            )
        else:
            self.change(
                lambda: reviews.pause_end(actor=self.tutor(), pause=pause, ended_on=self.today())
            )

    @rule()
    def transfer(self):
        other = next(p for p in self.staff.prisons if p.pk != self.learner.prison_id)
        # A transfer chooses the regional manager afresh (the rule after a change
        # of regional manager is checked between transfers).
        self.replaced.clear()
        self.change(
            lambda: learner_transfer(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                to_prison=other,
                transferred_on=self.today(),
                reason="Moved",
            )
        )
        if self.learner.regional_manager_id is None:
            # Two regional managers at the new prison: the learner waits on the
            # "needs a regional manager" list, and one of them takes them on
            # (which hands on the interventions, RegionalManagerAssigned).
            learner_regional_manager_take_on(
                actor=self.manager(self.learner.prison_id), learner=self.learner
            )
            self.fresh()

    @rule(days=st.integers(min_value=1, max_value=200))
    def release_date_edit(self, days):
        self.change(
            lambda: learner_update(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                data={"expected_release_on": self.today() + dt.timedelta(days=days)},
            )
        )

    @rule(to=st.sampled_from(CourseStatus.values))
    def course_status(self, to):
        self.change(
            lambda: learner_change_course_status(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                to=to,
                reason="Agreed",
            )
        )

    @rule()
    def graduation_exception(self):
        self.change(
            lambda: reviews.graduation_exception_record(
                actor=self.staff.director, learner=self.learner, reason="Equivalent course"
            )
        )

    @rule()
    def release(self):
        self.change(
            lambda: release_record(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                released_on=self.today(),
                release_type="licence",
                area="Leeds",
            )
        )

    @rule()
    def return_to_custody(self):
        self.change(
            lambda: custody_return(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                returned_on=self.today(),
            )
        )

    @rule(
        days_ago=st.integers(min_value=0, max_value=20),
        kind=st.sampled_from([ConsentKind.SHARE_WITH_OMU, ConsentKind.CASE_STUDY]),
    )
    def withdraw_consent(self, days_ago, kind):
        """On the consents page, possibly dated earlier (refused before the grant)."""
        consent = Consent.objects.filter(
            learner=self.learner, kind=kind, withdrawn_on__isnull=True
        ).first()
        if consent is not None:
            self.change(
                lambda: consent_withdraw(
                    actor=self.manager(self.learner.prison_id),
                    consent=consent,
                    withdrawn_on=self.today() - dt.timedelta(days=days_ago),
                )
            )

    @rule(days_ago=st.integers(min_value=0, max_value=20))
    def give_consent(self, days_ago):
        """On the consents page (refused before the learner joined, or if standing)."""
        self.change(
            lambda: consent_give(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                kind=ConsentKind.SHARE_WITH_OMU,
                given_on=self.today() - dt.timedelta(days=days_ago),
            )
        )

    @rule()
    def start_case_study(self):
        # Not through change(): a case study is no change to the learner's record
        # (it writes an audit event but no timeline entry).
        if has_case_study_consent(self.learner):
            case_study_start(
                actor=self.manager(self.learner.prison_id),
                learner=self.learner,
                title="A story",
                quote_ids=[],
            )

    @rule()
    def follow_up(self):
        due = FollowUp.objects.filter(learner=self.learner, confirmed_on__isnull=True).first()
        if due is not None:
            self.change(
                lambda: follow_up_record(
                    actor=self.manager(self.learner.prison_id),
                    follow_up=due,
                    confirmed_on=self.today(),
                    source=OutcomeSource.LEARNER,
                    outcomes=[{"kind": OutcomeKind.EMPLOYED_TECH}],
                )
            )

    @rule(
        kinds=st.lists(
            st.sampled_from([OutcomeKind.EMPLOYED_TECH, OutcomeKind.TRAINING]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    def learner_answers_through_their_link(self, kinds):
        """The daily invitation, then the learner's link, date of birth and answers
        (issue 18): the real services, as the task and the public pages call them."""
        release = Release.objects.filter(learner=self.learner, returned_to_custody_on=None).first()
        if release is None:
            return
        Release.objects.filter(pk=release.pk).update(contact_email="jamie@example.org")
        if not Consent.objects.filter(
            learner=self.learner,
            kind=ConsentKind.CONTACT_AFTER_RELEASE,
            withdrawn_on__isnull=True,
        ).exists():
            Consent.objects.create(
                learner=self.learner,
                kind=ConsentKind.CONTACT_AFTER_RELEASE,
                given_on=self.learner.joined_on,
            )
        for link_id in self_reports.self_report_invitations_create(today=self.today()):
            claimed = self_reports.link_claim(link_id=link_id)
            if claimed is None:
                continue
            self_reports.link_sent(link_id=link_id, channel="email")
            link = self_reports.link_open(
                token=claimed.token, date_of_birth=self.learner.date_of_birth, address="test"
            )
            assert link is not None
            self_reports.self_report_submit(link_id=link.pk, kinds=kinds)

    @rule()
    def raise_intervention(self):
        self.handed_on.discard(self.tutor().pk)
        self.change(
            lambda: reviews.intervention_raise(
                actor=self.tutor(),
                learner=self.learner,
                kind=InterventionKind.EXTRA_TUTOR_TIME,
                description="Extra time",
                owner=self.tutor(),
                due_on=self.today() + dt.timedelta(days=3),
            )
        )

    @rule()
    def hand_on_the_tutor(self):
        departing = self.learner.tutor
        if departing is None:
            return
        prison_id = self.learner.prison_id
        receiving = next(
            tutor
            for tutor in (self.staff.tutors[prison_id], self.staff.second_tutors[prison_id])
            if tutor.pk != departing.pk
        )
        if self.change(
            lambda: tutor_hand_on(
                actor=self.staff.administrator, departing=departing, receiving=[receiving]
            )
        ):
            self.handed_on.add(departing.pk)
            self.handed_on.discard(receiving.pk)

    @rule(second=st.booleans())
    def change_regional_manager(self, second):
        managers = self.staff.second_managers if second else self.staff.managers
        manager = managers[self.learner.prison_id]
        former = self.learner.regional_manager_id
        if self.change(
            lambda: learner_regional_manager_change(
                actor=self.manager(self.learner.prison_id), learner=self.learner, manager=manager
            )
        ):
            self.replaced.discard(manager.pk)
            if former is not None:
                self.replaced.add(former)

    @rule()
    def sweep_runs(self):
        reminders_run()

    @rule()
    def dashboard_figures_refresh_runs(self):
        figures_refresh_stale()

    # Invariants: after every step

    @invariant()
    def stored_due_date_is_the_schedules(self):
        learner = self.fresh()
        schedule = schedule_for(learner)
        assert learner.next_review_due_on == schedule.stored_due_on
        assert learner.reviews_paused == (schedule.state is ReviewState.PAUSED)

    @invariant()
    def work_queue_and_sweep_agree_with_the_schedule(self):
        learner, today = self.learner, self.today()
        due = learner.next_review_due_on
        queue = reviews_due_for_user(self.manager(learner.prison_id), today=today)
        assert (learner in queue) == schedule_for(learner).in_work_queue
        findings = [f for f in sweep.reviews_due(today) if f.learner_id == learner.pk]
        assert bool(findings) == (due is not None and due <= today + dt.timedelta(days=7))
        assert all(f.due_on == due for f in findings)

    @invariant()
    def reminders_reach_only_people_who_may_see_the_learner(self):
        learner = self.learner
        for notification in Notification.objects.filter(
            learner=learner, resolved_at__isnull=True
        ).select_related("recipient"):
            assert access_for(notification.recipient).covers_prison(learner.prison_id)
        for finding in sweep.find_all(self.today()):
            if finding.learner_id == learner.pk:
                recipient = User.objects.get(pk=finding.recipient_id)
                assert access_for(recipient).covers_prison(learner.prison_id)

    @invariant()
    def the_omu_see_the_learner_exactly_while_sharing_consent_stands(self):
        omu = self.staff.omus[self.learner.prison_id]
        sees = (
            learner_list_for_user(omu, capability=Capability.VIEW_LEARNER_IDENTITY)
            .filter(pk=self.learner.pk)
            .exists()
        )
        standing = Consent.objects.filter(
            learner=self.learner, kind=ConsentKind.SHARE_WITH_OMU, withdrawn_on__isnull=True
        ).exists()
        assert sees == standing

    @invariant()
    def a_replaced_regional_manager_is_not_reminded_as_the_learners_manager(self):
        """After a change of regional manager, the former one has no open reminder
        about the learner except for interventions they own: the others follow
        the new regional manager."""
        if not self.replaced or self.learner.regional_manager_id is None:
            return
        assert not (
            Notification.objects.filter(
                learner=self.learner,
                recipient_id__in=self.replaced - {self.learner.regional_manager_id},
                resolved_at__isnull=True,
            )
            .exclude(kind__in=INTERVENTION_KINDS)
            .exists()
        )

    @invariant()
    def a_tutor_who_handed_the_learner_on_is_not_reminded_about_them(self):
        """After a hand-on, the departing tutor has no open reminder about the
        learner (reviews, interventions handed on): the receiving tutor has them."""
        former = self.handed_on - {self.learner.tutor_id}
        assert not Notification.objects.filter(
            learner=self.learner, recipient_id__in=former, resolved_at__isnull=True
        ).exists()

    @invariant()
    def a_released_learner_has_a_release_and_follow_ups(self):
        if self.learner.custody_status == CustodyStatus.RELEASED:
            release = Release.objects.get(learner=self.learner, returned_to_custody_on=None)
            assert release.follow_ups.exists()

    @invariant()
    def self_reported_answers_wait_for_and_reach_only_their_managers(self):
        """An answer waits in the work queue of the managers who cover the learner's
        prison (and no other) until the follow-up is recorded, which confirms it; a
        confirmed answer always belongs to a recorded follow-up."""
        for report in SelfReport.objects.filter(learner=self.learner).select_related("follow_up"):
            waiting = report.confirmed_at is None and report.follow_up.confirmed_on is None
            for prison_id, manager in self.staff.managers.items():
                queued = self_reports_to_confirm_for_user(manager).filter(pk=report.pk).exists()
                assert queued == (waiting and prison_id == self.learner.prison_id)
            if report.confirmed_at is not None:
                assert report.follow_up.confirmed_on is not None

    @invariant()
    def a_graduate_completed_every_required_module_or_has_an_exception(self):
        if self.learner.course_status != CourseStatus.GRADUATED:
            return
        required = Module.objects.required()
        done = self.learner.completions.filter(module__in=required).count()
        exception = AuditEvent.objects.filter(
            learner_ref=self.learner.pk, action="learner.graduation_exception"
        ).exists()
        assert done == required.count() or exception

    @invariant()
    def a_case_study_stands_only_while_its_consent_does(self):
        standing = CaseStudy.objects.filter(learner=self.learner).exclude(
            status=CaseStudyStatus.WITHDRAWN
        )
        if standing.exists():
            assert has_case_study_consent(self.learner)

    @invariant()
    def dashboard_figures_stored_equal_the_live_ones(self):
        """A prison whose stored figures are not marked stale holds exactly the live
        figures (every change marked its prison); and a read, which refreshes the
        stale ones first, always shows the live figures."""
        period = {"period_start": dt.date(2025, 1, 1), "period_end": self.today()}
        for prison in self.staff.prisons:
            live = impact_figures(prisons=[prison], **period)
            computed = PrisonFigures.objects.filter(prison=prison).exists()
            if computed and not FiguresStale.objects.filter(prison=prison).exists():
                assert impact_figures_stored(prisons=[prison], refresh=False, **period) == live
            assert impact_figures_stored(prisons=[prison], **period) == live

    @invariant()
    def nobody_without_access_owns_an_open_intervention(self):
        for intervention in Intervention.objects.filter(
            learner=self.learner, status=InterventionStatus.OPEN
        ).select_related("owner"):
            assert access_for(intervention.owner).covers_prison(self.learner.prison_id)


def test_the_journey_never_contradicts_itself():
    Journey.staff = Staff()
    run_state_machine_as_test(
        Journey,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
