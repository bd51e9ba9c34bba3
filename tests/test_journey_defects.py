"""The defects of issue 12 ("one journey, one truth"), one test each, written before
the fix: through ordinary pages and services, the apps did not hear each other's
changes, so the record contradicted itself."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from learners.models import CourseStatus, CustodyStatus, StatusChange
from learners.services import learner_transfer, learner_update
from notifications import sweep
from notifications.models import EmailStatus, Notification, NotificationKind
from notifications.services import reminders_run
from resettlement.models import FollowUp, Release
from reviews import services as review_services
from reviews.models import Intervention, InterventionKind, InterventionStatus
from reviews.schedule import ReviewState, next_review
from reviews.selectors import reviews_due_for_user, schedule_for
from tests.factories import LearnerFactory
from tests.reviews.factories import ModuleFactory, TrackFactory

pytestmark = pytest.mark.django_db
WEEKS_12 = dt.timedelta(weeks=12)


def today() -> dt.date:
    return timezone.localdate()


def active_learner(prison, *, tutor=None, regional_manager=None, intake_days_ago=30, **fields):
    """An active learner whose intake was held `intake_days_ago`, with the schedule stored."""
    learner = LearnerFactory(
        prison=prison,
        tutor=tutor,
        regional_manager=regional_manager,
        intake_completed_on=today() - dt.timedelta(days=intake_days_ago),
        joined_on=today() - dt.timedelta(days=intake_days_ago + 7),
        **fields,
    )
    review_services.schedule_refresh(learner)
    learner.refresh_from_db()
    return learner


def review_findings_about(learner) -> list[sweep.Finding]:
    return [
        f
        for f in sweep.find_all(today())
        if f.learner_id == learner.pk and f.kind.startswith("review")
    ]


# 1. Withdrawal (and graduation) left the stored next-review date behind.


def test_defect_1_withdrawal_on_the_status_page_clears_the_next_review_everywhere(
    client, regional_manager, tutor, prison
):
    learner = active_learner(prison, tutor=tutor, intake_days_ago=100)  # overdue by 16 days
    assert learner.next_review_due_on is not None
    reminders_run()
    assert Notification.objects.filter(learner=learner, resolved_at__isnull=True).exists()

    client.force_login(regional_manager)
    response = client.post(
        reverse("learners:status_change", kwargs={"pk": learner.pk, "field": "course"}),
        {"to": CourseStatus.WITHDRAWN, "reason": "Left the course"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.WITHDRAWN
    assert learner.next_review_due_on is None
    assert learner.next_review_due_on == schedule_for(learner).stored_due_on
    assert learner not in reviews_due_for_user(tutor)
    assert review_findings_about(learner) == []
    # The reminders already made leave the unread list at once, not at the next sweep.
    assert not Notification.objects.filter(learner=learner, resolved_at__isnull=True).exists()
    detail = client.get(reverse("learners:detail", kwargs={"pk": learner.pk})).content.decode()
    assert "None due" in detail


# 2. The course status page accepted "Graduated" with 0 of the required modules.


def test_defect_2_the_status_page_refuses_graduation_without_the_modules(
    client, regional_manager, prison
):
    track = TrackFactory(name="Web foundations")
    ModuleFactory(track=track, title="HTML basics", order=1)
    learner = active_learner(prison)
    client.force_login(regional_manager)
    url = reverse("learners:status_change", kwargs={"pk": learner.pk, "field": "course"})
    assert 'value="graduated"' not in client.get(url).content.decode()

    response = client.post(url, {"to": CourseStatus.GRADUATED, "reason": "Did well"})
    assert response.status_code == 200
    assert "A learner graduates when their last required module is recorded" in (
        response.content.decode()
    )
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.ACTIVE
    assert learner.graduated_on is None
    assert not StatusChange.objects.exists()


# 3. "Released" on the custody status page left a release with no record: a dead end.


def test_defect_3_release_goes_through_the_release_workflow_only(client, regional_manager, prison):
    learner = active_learner(prison)
    client.force_login(regional_manager)
    url = reverse("learners:status_change", kwargs={"pk": learner.pk, "field": "custody"})
    page = client.get(url).content.decode()
    assert 'value="released"' not in page
    assert reverse("resettlement:release_overview", kwargs={"pk": learner.pk}) in page

    refused = client.post(url, {"to": CustodyStatus.RELEASED, "reason": "Went home"})
    assert refused.status_code == 200
    assert "Record a release on the release page" in refused.content.decode()
    learner.refresh_from_db()
    assert learner.custody_status == CustodyStatus.IN_CUSTODY
    assert not StatusChange.objects.exists()

    # The workflow is not a dead end: the release is recorded with its follow-ups.
    response = client.post(
        reverse("resettlement:release_record", kwargs={"pk": learner.pk}),
        {
            "released_on": today().isoformat(),
            "release_type": "licence",
            "area": "Leeds",
            "support_agreed": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    learner.refresh_from_db()
    assert learner.custody_status == CustodyStatus.RELEASED
    assert Release.objects.filter(learner=learner).exists()
    assert FollowUp.objects.filter(learner=learner).count() == 5
    assert learner.next_review_due_on is None


# 4. A new expected release date left the pre-release review on the old date.


def test_defect_4_a_new_release_date_moves_the_review_and_reminders_at_once(
    regional_manager, tutor, prison
):
    learner = active_learner(prison, tutor=tutor, intake_days_ago=80)  # due in 4 days
    old_due = learner.next_review_due_on
    reminders_run()
    old = Notification.objects.get(learner=learner, kind=NotificationKind.REVIEW_DUE)
    assert old.due_on == old_due

    release_on = today() + dt.timedelta(days=3)  # before the review due in 4 days
    learner_update(
        actor=regional_manager, learner=learner, data={"expected_release_on": release_on}
    )

    learner.refresh_from_db()
    expected = release_on - dt.timedelta(weeks=4)
    assert schedule_for(learner).pre_release is True
    assert learner.next_review_due_on == expected == schedule_for(learner).stored_due_on
    old.refresh_from_db()
    assert old.resolved_at is not None
    assert {f.due_on for f in review_findings_about(learner)} == {expected}


# 5. A transfer kept the old prison's regional manager, owners and reminders.


def test_defect_5_a_transfer_hands_the_learner_to_the_new_prisons_staff(
    client, make_user, prison, other_prison, director
):
    old_manager = make_user(Role.REGIONAL_MANAGER, [prison])
    old_tutor = make_user(Role.TUTOR, [prison])
    new_manager = make_user(Role.REGIONAL_MANAGER, [other_prison])
    learner = active_learner(
        prison, tutor=old_tutor, regional_manager=old_manager, intake_days_ago=100
    )
    interventions = [
        review_services.intervention_raise(
            actor=owner,
            learner=learner,
            kind=InterventionKind.EXTRA_TUTOR_TIME,
            description="Extra time on loops",
            owner=owner,
            due_on=today() + dt.timedelta(days=1),
        )
        for owner in (old_tutor, old_manager)
    ]
    reminders_run()  # review overdue -> the tutor; interventions due -> their owners
    made = Notification.objects.filter(learner=learner)
    assert {n.recipient for n in made} == {old_tutor, old_manager}
    Notification.objects.filter(learner=learner, recipient=old_manager).update(
        email_status=EmailStatus.DIGEST
    )
    directors_copy = Notification.objects.create(
        recipient=director,
        kind=NotificationKind.REVIEW_OVERDUE,
        learner=learner,
        object_type="learners.learner",
        object_id=str(learner.pk),
        due_on=learner.next_review_due_on,
        summary="A reminder a director may still read",
    )

    client.force_login(old_manager)
    response = client.post(
        reverse("learners:transfer", kwargs={"pk": learner.pk}),
        {
            "to_prison": other_prison.pk,
            "transferred_on": today().isoformat(),
            "reason": "Closer to family",
        },
    )
    assert response.status_code == 302

    learner.refresh_from_db()
    assert learner.regional_manager == new_manager
    for intervention in interventions:
        intervention.refresh_from_db()
        assert intervention.owner == new_manager
    for notification in Notification.objects.filter(recipient__in=[old_manager, old_tutor]):
        assert notification.resolved_at is not None
        assert notification.email_status not in (EmailStatus.PENDING, EmailStatus.DIGEST)
    directors_copy.refresh_from_db()
    assert directors_copy.resolved_at is None
    # The sweep now tells only people who cover the new prison.
    reminders_run()
    recipients = {
        n.recipient for n in Notification.objects.filter(learner=learner, resolved_at__isnull=True)
    }
    assert old_manager not in recipients and old_tutor not in recipients
    assert new_manager in recipients


def test_defect_5_a_transfer_to_a_prison_without_a_regional_manager_leaves_none(
    regional_manager, tutor, prison, other_prison
):
    learner = active_learner(prison, tutor=tutor, regional_manager=regional_manager)
    learner_transfer(
        actor=regional_manager,
        learner=learner,
        to_prison=other_prison,
        transferred_on=today(),
        reason="Moved",
    )
    learner.refresh_from_db()
    assert learner.regional_manager is None


# 6. A missed pre-release review moved to "today" every day: never overdue.


def test_defect_6_a_missed_pre_release_review_is_overdue_at_its_date_and_counts_late(
    tutor, regional_manager, prison
):
    release_on = today() + dt.timedelta(days=10)  # pre-release review due 18 days ago
    due = release_on - dt.timedelta(weeks=4)
    learner = active_learner(
        prison,
        tutor=tutor,
        regional_manager=regional_manager,
        intake_days_ago=40,
        expected_release_on=release_on,
    )
    schedule = schedule_for(learner)
    assert schedule.pre_release is True
    assert (schedule.due_on, schedule.state) == (due, ReviewState.OVERDUE)
    assert learner.next_review_due_on == due
    later = next_review(
        intake_completed_on=learner.intake_completed_on,
        expected_release_on=release_on,
        today=today() + dt.timedelta(days=3),
    )
    assert later.due_on == due  # the date does not creep forward day by day
    escalated = sweep.reviews_escalated(today())
    assert [f.due_on for f in escalated if f.learner_id == learner.pk] == [due]

    review = review_services.review_start(actor=tutor, learner=learner)
    assert review.pre_release is True
    review_services.review_save(
        actor=tutor,
        review=review,
        version=review.version,
        data={"held_on": today(), "rag": "green", "progress": "Ready", "attendance": "full"},
        ratings={},
        complete=True,
    )
    review.refresh_from_db()
    assert review.due_on == due < review.held_on  # held late, so it counts late


# 7. A regular review held within four weeks of release was taken for the pre-release one.


def test_defect_7_only_a_review_marked_pre_release_is_the_pre_release_review():
    release_on = dt.date(2026, 6, 30)
    schedule = next_review(
        intake_completed_on=dt.date(2026, 1, 5),
        last_held_on=dt.date(2026, 6, 20),  # ten days before release: a regular review
        last_was_pre_release=False,
        expected_release_on=release_on,
        today=dt.date(2026, 6, 21),
    )
    assert schedule.pre_release is True
    assert schedule.state is not ReviewState.NONE
    assert schedule.due_on == release_on - dt.timedelta(weeks=4)
    held = next_review(
        intake_completed_on=dt.date(2026, 1, 5),
        last_held_on=dt.date(2026, 6, 20),
        last_was_pre_release=True,
        expected_release_on=release_on,
        today=dt.date(2026, 6, 21),
    )
    assert held.state is ReviewState.NONE


# 8. While paused, the learner page said "None due" and the reviews tab "Paused (was due ...)".


def test_defect_8_the_paused_state_reads_the_same_on_every_page(client, tutor, prison):
    learner = active_learner(prison, tutor=tutor)
    review_services.pause_start(actor=tutor, learner=learner, reason="lockdown", started_on=today())
    client.force_login(tutor)
    pages = {
        "learner page": reverse("learners:detail", kwargs={"pk": learner.pk}),
        "reviews tab": reverse("reviews:learner_reviews", kwargs={"pk": learner.pk}),
        "caseload": reverse("learners:list"),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "Paused" in html, name
        assert "None due" not in html, name
        assert "was due" not in html, name


def test_interventions_owned_by_staff_of_the_new_prison_stay_with_them(
    regional_manager, make_user, prison, other_prison
):
    both = make_user(Role.TUTOR, [prison, other_prison])
    learner = active_learner(prison, regional_manager=regional_manager)
    intervention = review_services.intervention_raise(
        actor=both,
        learner=learner,
        kind=InterventionKind.EXTRA_TUTOR_TIME,
        description="Pairing",
        owner=both,
        due_on=today() + dt.timedelta(days=5),
    )
    learner_transfer(
        actor=regional_manager,
        learner=learner,
        to_prison=other_prison,
        transferred_on=today(),
        reason="Moved",
    )
    intervention.refresh_from_db()
    assert intervention.owner == both
    assert intervention.status == InterventionStatus.OPEN
    assert Intervention.objects.count() == 1
