"""A job application's lifecycle for regional managers (issue 16): change its
notes and stage, close it and reopen it. Each change is audited and shows on the
learner's timeline; the allowed moves are APPLICATION_TRANSITIONS, enforced by
the services whatever the form offers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import TimelineEvent
from resettlement import services
from resettlement.models import Application, Employer, Opportunity


@pytest.fixture
def opportunity():
    employer = Employer.objects.create(name="Humber Digital", sector="Software")
    return Opportunity.objects.create(
        employer=employer, role="Apprentice developer", kind="apprenticeship", location="Hull"
    )


@pytest.fixture
def application(regional_manager, learner, opportunity):
    return services.application_add(
        actor=regional_manager,
        learner=learner,
        opportunity=opportunity,
        introduced_on=timezone.localdate() - dt.timedelta(days=10),
    )


def _url(name, application):
    return reverse(
        f"resettlement:{name}",
        kwargs={"pk": application.learner_id, "application_pk": application.pk},
    )


def _timeline(learner):
    return list(TimelineEvent.objects.filter(learner=learner).values_list("summary", flat=True))


def test_an_rm_changes_notes_and_stage(client, regional_manager, learner, application):
    client.force_login(regional_manager)
    page = client.get(_url("application_edit", application))
    assert page.status_code == 200
    choices = [value for value, _ in page.context["form"].fields["status"].choices]
    assert choices == ["introduced", "applied"]  # closing has its own page
    today = timezone.localdate().isoformat()
    response = client.post(
        _url("application_edit", application),
        {"status": "applied", "on": today, "notes": "CV sent by email"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.applied_on, application.notes) == (
        "applied",
        timezone.localdate(),
        "CV sent by email",
    )
    event = AuditEvent.objects.get(action="resettlement.application.update")
    assert event.learner_ref == learner.pk
    assert event.detail == {"from": "introduced", "to": "applied", "notes_changed": True}
    assert "Apprentice developer at Humber Digital: now applied; notes changed" in _timeline(
        learner
    )


def test_notes_alone_change_without_a_date(client, regional_manager, learner, application):
    client.force_login(regional_manager)
    response = client.post(
        _url("application_edit", application), {"status": "introduced", "notes": "Keen"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.notes) == ("introduced", "Keen")
    assert "Apprentice developer at Humber Digital: notes changed" in _timeline(learner)


def test_a_new_stage_needs_a_date_and_nothing_is_saved(
    client, regional_manager, learner, application
):
    client.force_login(regional_manager)
    response = client.post(
        _url("application_edit", application), {"status": "applied", "notes": "Half"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter the date of the new stage" in body
    application.refresh_from_db()
    assert (application.status, application.notes) == ("introduced", "")
    assert not AuditEvent.objects.filter(action="resettlement.application.update").exists()


def test_the_service_refuses_a_move_the_transitions_forbid(regional_manager, application):
    for status in ("offer", "started", "withdrawn"):
        with pytest.raises(ValidationError):
            services.application_update(
                actor=regional_manager,
                application=application,
                status=status,
                on=timezone.localdate(),
                notes="",
            )
    application.refresh_from_db()
    assert application.status == "introduced"


def test_close_and_reopen_go_back_to_the_furthest_stage(
    client, regional_manager, learner, application
):
    today = timezone.localdate()
    services.application_move(
        actor=regional_manager, application=application, status="applied", on=today
    )
    services.application_move(
        actor=regional_manager, application=application, status="interview", on=today
    )
    client.force_login(regional_manager)
    response = client.post(
        _url("application_close", application),
        {"status": "unsuccessful", "on": today.isoformat(), "reason": "Went with another"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.closed_on) == ("unsuccessful", today)
    assert (
        "Apprentice developer at Humber Digital: closed as unsuccessful (Went with another)"
        in _timeline(learner)
    )
    # Closed: no close page, the reopen page instead.
    assert client.get(_url("application_close", application)).status_code == 302
    page = client.get(_url("application_reopen", application))
    assert "goes back to interview" in page.content.decode()
    response = client.post(_url("application_reopen", application), {"reason": "They called"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.closed_on) == ("interview", None)
    assert application.interview_on == today
    assert "Apprentice developer at Humber Digital: reopened at interview (They called)" in (
        _timeline(learner)
    )
    actions = list(
        AuditEvent.objects.filter(learner_ref=learner.pk, action__startswith="resettlement.app")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["resettlement.application.close", "resettlement.application.reopen"]


def test_reopen_needs_a_reason_and_only_a_closed_application(client, regional_manager, application):
    client.force_login(regional_manager)
    # Open: the reopen page sends the user back.
    assert client.get(_url("application_reopen", application)).status_code == 302
    with pytest.raises(ValidationError):
        services.application_reopen(actor=regional_manager, application=application, reason="x")
    services.application_close(
        actor=regional_manager,
        application=application,
        status="withdrawn",
        on=timezone.localdate(),
    )
    response = client.post(_url("application_reopen", application), {"reason": ""})
    assert response.status_code == 200
    assert "Enter why the application is reopened" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_close_refuses_a_date_before_the_introduction(client, regional_manager, application):
    client.force_login(regional_manager)
    response = client.post(
        _url("application_close", application), {"status": "withdrawn", "on": "2000-01-01"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "introduced"


def test_a_started_application_cannot_be_closed(regional_manager, application):
    today = timezone.localdate()
    for status in ("applied", "offer", "started"):
        services.application_move(
            actor=regional_manager, application=application, status=status, on=today
        )
    with pytest.raises(ValidationError):
        services.application_close(
            actor=regional_manager, application=application, status="withdrawn", on=today
        )


@pytest.mark.parametrize("name", ["application_edit", "application_close"])
def test_another_prisons_rm_gets_404(client, make_user, other_prison, application, name):
    client.force_login(make_user(Role.REGIONAL_MANAGER, [other_prison]))
    assert client.get(_url(name, application)).status_code == 404
    assert client.post(_url(name, application), {"status": "withdrawn"}).status_code == 404


@pytest.mark.parametrize("name", ["application_edit", "application_close"])
def test_a_tutor_gets_403_and_the_service_refuses(client, tutor, application, name):
    client.force_login(tutor)
    assert client.get(_url(name, application)).status_code == 403
    assert client.post(_url(name, application), {"status": "withdrawn"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.application_close(
            actor=tutor, application=application, status="withdrawn", on=timezone.localdate()
        )
    assert Application.objects.get(pk=application.pk).status == "introduced"


def test_the_release_page_links_each_action(client, regional_manager, learner, application):
    client.force_login(regional_manager)
    page = client.get(reverse("resettlement:release_overview", kwargs={"pk": learner.pk}))
    body = page.content.decode()
    assert _url("application_edit", application) in body
    assert _url("application_close", application) in body
    assert _url("application_reopen", application) not in body
