"""Change a learner's regional manager (issue 17 item 8): from the learner page,
for regional managers of the learner's prison and administrators; the new one
works at the learner's prison; audited and on the timeline; the former one's
reminders about the learner are withdrawn (RegionalManagerChanged) and the next
sweep reminds the new one."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import TimelineEvent
from learners.services import learner_regional_manager_change
from notifications.models import EmailStatus, Notification, NotificationKind
from notifications.services import reminders_run
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_manager(make_user, prison):
    return make_user(Role.REGIONAL_MANAGER, [prison], full_name="Sam Second")


@pytest.fixture
def referred(prison, regional_manager):
    """Enrolled two months ago, intake not held: the sweep reminds the RM."""
    return LearnerFactory(
        prison=prison,
        regional_manager=regional_manager,
        joined_on=timezone.localdate() - dt.timedelta(days=60),
        course_status="referred",
        intake_completed_on=None,
        first_name="Jamie",
        last_name="Doyle",
    )


def _url(learner):
    return reverse("learners:regional_manager_change", kwargs={"pk": learner.pk})


def test_an_rm_changes_the_regional_manager_and_reminders_follow(
    client, regional_manager, second_manager, referred
):
    reminders_run()
    old = Notification.objects.get(
        learner=referred, recipient=regional_manager, kind=NotificationKind.INTAKE_NOT_HELD
    )
    assert old.resolved_at is None
    client.force_login(regional_manager)
    detail = client.get(reverse("learners:detail", kwargs={"pk": referred.pk}))
    assert _url(referred) in detail.content.decode()
    page = client.get(_url(referred))
    assert page.status_code == 200
    response = client.post(_url(referred), {"manager": second_manager.pk})
    assert response.status_code == 302
    referred.refresh_from_db()
    assert referred.regional_manager == second_manager
    event = AuditEvent.objects.get(action="learner.regional_manager_change")
    assert event.learner_ref == referred.pk
    assert event.detail == {"from": regional_manager.pk, "to": second_manager.pk}
    assert TimelineEvent.objects.filter(
        learner=referred, summary="Regional manager: Sam Second (was Rachel Manager)"
    ).exists()
    old.refresh_from_db()
    assert old.resolved_at is not None
    assert old.email_status in (EmailStatus.SKIPPED, EmailStatus.SENT, EmailStatus.SENDING)
    reminders_run()
    open_reminders = Notification.objects.filter(
        learner=referred, kind=NotificationKind.INTAKE_NOT_HELD, resolved_at__isnull=True
    )
    assert list(open_reminders.values_list("recipient", flat=True)) == [second_manager.pk]


def test_an_administrator_may_change_it(client, administrator, second_manager, referred):
    client.force_login(administrator)
    response = client.post(_url(referred), {"manager": second_manager.pk})
    assert response.status_code == 302
    referred.refresh_from_db()
    assert referred.regional_manager == second_manager


def test_the_new_rm_must_work_at_the_learners_prison(
    client, regional_manager, make_user, other_prison, referred
):
    elsewhere = make_user(Role.REGIONAL_MANAGER, [other_prison])
    client.force_login(regional_manager)
    response = client.post(_url(referred), {"manager": elsewhere.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose a regional manager who works at the learner&#x27;s prison" in body
    with pytest.raises(ValidationError):
        learner_regional_manager_change(actor=regional_manager, learner=referred, manager=elsewhere)
    referred.refresh_from_db()
    assert referred.regional_manager == regional_manager
    assert not AuditEvent.objects.filter(action="learner.regional_manager_change").exists()


def test_an_empty_choice_is_refused(client, regional_manager, referred):
    client.force_login(regional_manager)
    response = client.post(_url(referred), {})
    assert "Choose the new regional manager" in response.content.decode()


def test_another_prisons_rm_gets_404(client, make_user, other_prison, referred, second_manager):
    client.force_login(make_user(Role.REGIONAL_MANAGER, [other_prison]))
    assert client.get(_url(referred)).status_code == 404
    assert client.post(_url(referred), {"manager": second_manager.pk}).status_code == 404


def test_a_tutor_and_a_director_get_403(client, tutor, director, referred, second_manager):
    for user in (tutor, director):
        client.force_login(user)
        assert client.get(_url(referred)).status_code == 403
        assert client.post(_url(referred), {"manager": second_manager.pk}).status_code == 403
        with pytest.raises(PermissionDenied):
            learner_regional_manager_change(actor=user, learner=referred, manager=second_manager)
    referred.refresh_from_db()
    assert referred.regional_manager is not None
    assert referred.regional_manager != second_manager
