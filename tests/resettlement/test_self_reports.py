"""Outcomes reported by learners themselves (issue 18): who is asked, the link,
the form, the regional manager's confirmation, and the figures."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import Consent, ConsentKind
from reports.figures import impact_figures
from resettlement import self_reports, services
from resettlement.models import FollowUp, LearnerLink, Outcome, SelfReport
from tests.clients import StaffClient
from tests.resettlement.self_report_world import (
    CONTACT,
    birth_post,
    first_follow_up,
    released_learner,
    sent_link,
)


def _submit(token: str, answers: dict) -> StaffClient:
    learner_client = StaffClient()
    response = learner_client.post(reverse("own:start", kwargs={"token": token}), birth_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("own:report")
    response = learner_client.post(reverse("own:report"), answers)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("own:thanks")
    return learner_client


ANSWERS = {
    "kinds": ["employed_tech", "education"],
    "employer_or_course": "Humber Digital",
    "wants_support": "yes",
}


# Who is asked


def test_a_due_follow_up_of_a_consenting_learner_with_an_email_gets_one_link(
    prison, regional_manager
):
    learner = released_learner(prison, regional_manager)
    first = self_reports.self_report_invitations_create()
    again = self_reports.self_report_invitations_create()
    links = LearnerLink.objects.filter(learner=learner)
    assert links.count() == 1
    assert links.get().follow_up == first_follow_up(learner)
    assert first == again == [links.get().pk]  # unsent: offered to the sender again


def test_nobody_is_asked_without_consent_email_or_a_due_follow_up(prison, regional_manager):
    released_learner(prison, regional_manager, consent=False)
    not_due = released_learner(
        prison, regional_manager, days_ago=10, first_name="Sam", prison_number="B2345CD"
    )
    no_email = released_learner(prison, regional_manager, first_name="Lee", prison_number="C3456DE")
    no_email.releases.update(contact_email="")
    withdrawn = released_learner(
        prison, regional_manager, first_name="Kim", prison_number="D4567EF"
    )
    Consent.objects.filter(learner=withdrawn).update(withdrawn_on=timezone.localdate())
    assert not_due.follow_ups.filter(due_on__lte=timezone.localdate()).count() == 0
    assert self_reports.self_report_invitations_create() == []
    assert not LearnerLink.objects.exists()


def test_a_recorded_follow_up_is_not_asked_about(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    services.follow_up_record(
        actor=regional_manager,
        follow_up=first_follow_up(learner),
        confirmed_on=timezone.localdate(),
        source="probation",
        outcomes=[{"kind": "education"}],
    )
    assert self_reports.self_report_invitations_create() == []


def test_the_sender_claims_a_link_once_and_the_token_is_stored_only_hashed(
    prison, regional_manager
):
    learner = released_learner(prison, regional_manager)
    [link_id] = self_reports.self_report_invitations_create()
    claimed = self_reports.link_claim(link_id=link_id)
    assert claimed.to == CONTACT
    assert claimed.months == 1
    assert len(claimed.token) >= 43  # 32 bytes of `secrets`, URL-safe: 256 bits
    assert self_reports.link_claim(link_id=link_id) is None  # claimed by a live worker
    self_reports.link_sent(link_id=link_id, channel="email")
    link = LearnerLink.objects.get(pk=link_id)
    assert link.token_hash == self_reports.token_hash(claimed.token)
    assert claimed.token not in str(
        LearnerLink.objects.filter(pk=link_id).values().get()
    )  # the raw token is nowhere in the row
    assert link.expires_at - link.sent_at == dt.timedelta(days=30)
    assert self_reports.link_claim(link_id=link_id) is None  # sent: never again
    assert AuditEvent.objects.filter(
        action="resettlement.learner_link.send", learner_ref=learner.pk
    ).exists()


def test_a_consent_withdrawn_before_sending_stops_the_message(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    [link_id] = self_reports.self_report_invitations_create()
    Consent.objects.filter(learner=learner, kind=ConsentKind.CONTACT_AFTER_RELEASE).update(
        withdrawn_on=timezone.localdate()
    )
    assert self_reports.link_claim(link_id=link_id) is None
    assert LearnerLink.objects.get(pk=link_id).token_hash is None


# The learner's answers and the regional manager's confirmation


def test_answers_wait_for_the_regional_manager_and_count_only_once_confirmed(
    client, prison, regional_manager
):
    learner = released_learner(prison, regional_manager)
    link, token = sent_link(learner)
    _submit(token, ANSWERS)
    report = SelfReport.objects.get(learner=learner)
    assert report.kinds == ["employed_tech", "education"]
    assert report.employer_or_course == "Humber Digital"
    assert report.wants_support is True
    assert report.confirmed_at is None
    follow_up = first_follow_up(learner)
    assert follow_up.confirmed_on is None
    assert not Outcome.objects.filter(learner=learner).exists()
    link.refresh_from_db()
    assert link.used_at is not None
    assert AuditEvent.objects.filter(
        action="resettlement.self_report.submit", learner_ref=learner.pk
    ).exists()

    today = timezone.localdate()
    figures = impact_figures(
        period_start=today - dt.timedelta(days=365), period_end=today, prisons=[prison]
    )
    assert figures.all_released.followed_up.value == 0
    assert figures.all_released.self_reported.value == 0

    # In the regional manager's work queue, marked to confirm.
    client.force_login(regional_manager)
    home = client.get(reverse("home")).content.decode()
    assert "Outcomes reported by learners, to confirm" in home
    assert reverse("resettlement:follow_up_record", args=[learner.pk, follow_up.pk]) in home
    overview = client.get(reverse("resettlement:release_overview", args=[learner.pk]))
    assert "Reported by the learner, to confirm" in overview.content.decode()
    form_page = client.get(
        reverse("resettlement:follow_up_record", args=[learner.pk, follow_up.pk])
    )
    page = form_page.content.decode()
    assert 'data-testid="self-report-answers"' in page
    assert "Humber Digital" in page
    assert 'value="employed_tech" checked' in page or "employed_tech" in str(
        form_page.context["form"].initial["kinds"]
    )

    # The RM corrects it (no education after all) and confirms.
    response = client.post(
        reverse("resettlement:follow_up_record", args=[learner.pk, follow_up.pk]),
        {
            "confirmed_on": today.isoformat(),
            "source": "learner",
            "kinds": ["employed_tech"],
            "role": "Junior developer",
            "employer_name": "Humber Digital",
            "tech_level": "junior",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.confirmed_at is not None and report.confirmed_by == regional_manager
    assert [row.kind for row in Outcome.objects.filter(learner=learner)] == ["employed_tech"]
    home = client.get(reverse("home")).content.decode()
    assert "No outcome reported by a learner is waiting to be confirmed." in home

    figures = impact_figures(
        period_start=today - dt.timedelta(days=365), period_end=today, prisons=[prison]
    )
    assert figures.all_released.followed_up.value == 1
    assert figures.all_released.self_reported.value == 1


def test_the_work_queue_shows_only_the_users_prisons(
    client, prison, other_prison, regional_manager, make_user
):
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    _submit(token, ANSWERS)
    elsewhere = make_user("regional_manager", [other_prison])
    client.force_login(elsewhere)
    home = client.get(reverse("home")).content.decode()
    assert "Jamie Doyle" not in home
    follow_up = first_follow_up(learner)
    url = reverse("resettlement:follow_up_record", args=[learner.pk, follow_up.pk])
    assert client.get(url).status_code == 404


def test_a_tutor_sees_no_queue_and_may_not_confirm(client, prison, regional_manager, tutor):
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    _submit(token, ANSWERS)
    client.force_login(tutor)
    assert "Outcomes reported by learners" not in client.get(reverse("home")).content.decode()
    follow_up = first_follow_up(learner)
    url = reverse("resettlement:follow_up_record", args=[learner.pk, follow_up.pk])
    assert client.post(url, {"kinds": ["education"]}).status_code == 403
    assert SelfReport.objects.get().confirmed_at is None


def test_the_contact_email_shows_to_regional_managers_only(client, prison, regional_manager, tutor):
    learner = released_learner(prison, regional_manager)
    url = reverse("resettlement:release_overview", args=[learner.pk])
    client.force_login(regional_manager)
    assert CONTACT in client.get(url).content.decode()
    client.force_login(tutor)
    assert CONTACT not in client.get(url).content.decode()


def test_the_release_form_takes_a_contact_email_and_refuses_a_bad_one(
    client, prison, regional_manager, learner
):
    learner.regional_manager = regional_manager
    learner.save()
    client.force_login(regional_manager)
    url = reverse("resettlement:release_record", args=[learner.pk])
    data = {
        "released_on": timezone.localdate().isoformat(),
        "release_type": "licence",
        "area": "Leeds",
        "contact_email": "not an email",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()
    assert not learner.releases.exists()
    response = client.post(url, {**data, "contact_email": "jamie@example.org"})
    assert response.status_code == 302
    assert learner.releases.get().contact_email == "jamie@example.org"


def test_the_form_needs_an_answer_and_saves_nothing_without_one(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    learner_client = StaffClient()
    learner_client.post(reverse("own:start", kwargs={"token": token}), birth_post())
    response = learner_client.post(reverse("own:report"), {"employer_or_course": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Select what you are doing now" in page
    assert "Select whether you would like support" in page
    assert "<title>Error: Tell us how you are doing" in page
    assert not SelfReport.objects.exists()
    response = learner_client.post(
        reverse("own:report"),
        {"kinds": ["not_in_activity", "education"], "wants_support": "no"},
    )
    assert "on its own" in response.content.decode()
    assert not SelfReport.objects.exists()


def test_staff_only_kinds_cannot_be_reported(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    learner_client = StaffClient()
    learner_client.post(reverse("own:start", kwargs={"token": token}), birth_post())
    response = learner_client.post(
        reverse("own:report"), {"kinds": ["returned_to_custody"], "wants_support": "no"}
    )
    assert response.status_code == 200
    assert not SelfReport.objects.exists()


def test_a_follow_up_confirmed_by_staff_first_leaves_the_queue(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    _submit(token, ANSWERS)
    services.follow_up_record(
        actor=regional_manager,
        follow_up=FollowUp.objects.get(pk=first_follow_up(learner).pk),
        confirmed_on=timezone.localdate(),
        source="learner",
        outcomes=[{"kind": "employed_tech"}],
    )
    from resettlement.selectors import self_reports_to_confirm_for_user

    assert not self_reports_to_confirm_for_user(regional_manager).exists()


def _answered(prison, rm, n: int) -> None:
    learner = released_learner(prison, rm, first_name=f"Sam{n}", prison_number=f"Q{1000 + n}AB")
    _link, token = sent_link(learner)
    _submit(token, ANSWERS)


def test_the_work_queue_queries_do_not_grow(client, prison, regional_manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _answered(prison, regional_manager, 1)
    client.force_login(regional_manager)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        assert "Sam1" in client.get(reverse("home")).content.decode()
    for n in range(2, 7):
        _answered(prison, regional_manager, n)
    with CaptureQueriesContext(connection) as six:
        assert "Sam6" in client.get(reverse("home")).content.decode()
    assert len(six) <= len(one)


def test_the_dashboard_and_csv_say_how_many_outcomes_were_self_reported(
    client, prison, regional_manager, director
):
    for n in range(6):
        learner = released_learner(
            prison, regional_manager, first_name=f"Ali{n}", prison_number=f"R{2000 + n}CD"
        )
        _link, token = sent_link(learner)
        _submit(token, ANSWERS)
        services.follow_up_record(
            actor=regional_manager,
            follow_up=first_follow_up(learner),
            confirmed_on=timezone.localdate(),
            source="learner",
            outcomes=[{"kind": "education"}],
        )
    client.force_login(director)
    exact = client.get(reverse("reports:dashboard") + "?figures=exact").content.decode()
    assert "reported by the learners themselves and confirmed by a regional manager" in exact
    assert 'data-testid="self-reported-2">6<' in exact
    # What leaves the organisation is rounded like every other count.
    released = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="self-reported-2">5<' in released
    response = client.get(reverse("reports:impact_csv"))
    csv = b"".join(response.streaming_content).decode()
    assert "Of which reported by the learners themselves and then confirmed,5\r\n" in csv


def test_a_confirmed_answer_sends_a_follow_on_link_to_the_learners_own_progress(
    prison, regional_manager, mailoutbox, settings
):
    from notifications.models import OutboxMessage
    from notifications.tasks import LEARNER_INVITATION_TASK, deliver_learner_invitation

    settings.SITE_URL = "https://learners.code4000.example"
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    _submit(token, ANSWERS)
    services.follow_up_record(
        actor=regional_manager,
        follow_up=first_follow_up(learner),
        confirmed_on=timezone.localdate(),
        source="learner",
        outcomes=[{"kind": "education"}],
    )
    progress = LearnerLink.objects.get(learner=learner, purpose="progress")
    queued = OutboxMessage.objects.get(task_name=LEARNER_INVITATION_TASK)
    assert queued.args == [progress.pk]
    assert deliver_learner_invitation.apply(args=[progress.pk]).get() == "sent"
    [message] = mailoutbox
    assert message.subject == "Code4000: your progress"
    [url] = re.findall(r"https://learners\.code4000\.example(/you/[A-Za-z0-9_-]+/)", message.body)
    client = StaffClient()
    response = client.post(url, birth_post())
    assert response["Location"] == reverse("own:progress")
    assert client.get(reverse("own:progress")).status_code == 200
    # Recording the follow-up again (a correction) sends nothing more.
    services.follow_up_record(
        actor=regional_manager,
        follow_up=first_follow_up(learner),
        confirmed_on=timezone.localdate(),
        source="learner",
        outcomes=[{"kind": "training"}],
    )
    assert OutboxMessage.objects.filter(task_name=LEARNER_INVITATION_TASK).count() == 1


def test_no_follow_on_link_without_consent(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    _link, token = sent_link(learner)
    _submit(token, ANSWERS)
    Consent.objects.filter(learner=learner).update(withdrawn_on=timezone.localdate())
    services.follow_up_record(
        actor=regional_manager,
        follow_up=first_follow_up(learner),
        confirmed_on=timezone.localdate(),
        source="learner",
        outcomes=[{"kind": "education"}],
    )
    assert not LearnerLink.objects.filter(purpose="progress").exists()
