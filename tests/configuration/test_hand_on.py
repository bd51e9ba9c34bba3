"""Hand on a departing tutor's learners and open interventions in one confirmed
step (issue 17 item 8): choose the receiving tutors at the same prisons, see the
numbers, confirm; one transaction, one audit event and timeline entry per
learner, and a summary event."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from configuration import services
from learners.models import Learner, TimelineEvent
from reviews.models import Intervention, InterventionKind, InterventionStatus
from reviews.services import intervention_raise
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departing(make_user, prison, other_prison):
    return make_user(Role.TUTOR, [prison, other_prison], full_name="Dee Departing")


@pytest.fixture
def humber_tutor(make_user, prison):
    return make_user(Role.TUTOR, [prison], full_name="Hal Humber")


@pytest.fixture
def risley_tutor(make_user, other_prison):
    return make_user(Role.TUTOR, [other_prison], full_name="Rae Risley")


@pytest.fixture
def caseload(departing, prison, other_prison, regional_manager):
    learners = [
        LearnerFactory(prison=prison, tutor=departing, regional_manager=regional_manager)
        for _ in range(3)
    ] + [LearnerFactory(prison=other_prison, tutor=departing)]
    intervention_raise(
        actor=departing,
        learner=learners[0],
        kind=InterventionKind.EXTRA_TUTOR_TIME,
        description="Extra time",
        owner=departing,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    return learners


def _url(person):
    return reverse("configuration:staff_hand_on", kwargs={"pk": person.pk})


def test_an_administrator_hands_on_after_seeing_the_numbers(
    client, administrator, departing, humber_tutor, risley_tutor, caseload
):
    client.force_login(administrator)
    detail = client.get(reverse("configuration:staff_detail", kwargs={"pk": departing.pk}))
    assert _url(departing) in detail.content.decode()
    form = client.get(_url(departing))
    offered = {tutor.pk for tutor in form.context["form"].fields["receiving"].queryset}
    assert offered == {humber_tutor.pk, risley_tutor.pk}

    choice = {"receiving": [humber_tutor.pk, risley_tutor.pk]}
    confirm = client.post(_url(departing), choice)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "4 learners and 1 open intervention go from Dee Departing" in body
    counts = {tutor.full_name: (n, i) for tutor, n, i in confirm.context["plan"].counts()}
    assert counts == {"Hal Humber": (3, 1), "Rae Risley": (1, 0)}
    # Nothing has changed yet.
    assert Learner.objects.filter(tutor=departing).count() == 4

    response = client.post(_url(departing), {**choice, "confirmed": "yes"})
    assert response.status_code == 302
    assert not Learner.objects.filter(tutor=departing).exists()
    assert Learner.objects.filter(tutor=humber_tutor).count() == 3
    assert Learner.objects.filter(tutor=risley_tutor).count() == 1
    intervention = Intervention.objects.get()
    assert (intervention.owner, intervention.status) == (humber_tutor, InterventionStatus.OPEN)
    assert AuditEvent.objects.filter(action="learner.tutor_hand_on").count() == 4
    summary = AuditEvent.objects.get(action="configuration.staff.hand_on")
    assert summary.detail["learners"] == 4 and summary.detail["interventions"] == 1
    entries = TimelineEvent.objects.filter(learner=caseload[0]).values_list("summary", flat=True)
    assert (
        "Tutor: Hal Humber (handed on from Dee Departing); 1 open intervention with them" in entries
    )


def test_a_prison_nobody_receives_at_is_refused_and_nothing_changes(
    client, administrator, departing, humber_tutor, caseload
):
    client.force_login(administrator)
    confirm = client.post(_url(departing), {"receiving": [humber_tutor.pk]})
    assert "None of the tutors you chose works at HMP Risley" in confirm.content.decode()
    response = client.post(_url(departing), {"receiving": [humber_tutor.pk], "confirmed": "yes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose a tutor who works at HMP Risley" in body
    assert Learner.objects.filter(tutor=departing).count() == 4
    assert not AuditEvent.objects.filter(action="learner.tutor_hand_on").exists()


def test_no_choice_is_refused(client, administrator, departing, caseload):
    client.force_login(administrator)
    response = client.post(_url(departing), {})
    assert "Choose at least one tutor to hand on to" in response.content.decode()


def test_a_tutor_elsewhere_cannot_receive(
    client, administrator, departing, make_user, caseload, humber_tutor
):
    from tests.factories import PrisonFactory

    elsewhere = make_user(Role.TUTOR, [PrisonFactory(code="LEI", name="HMP Leeds")])
    client.force_login(administrator)
    response = client.post(_url(departing), {"receiving": [elsewhere.pk], "confirmed": "yes"})
    assert response.status_code == 200
    assert "Choose active tutors at the same prisons" in response.content.decode()
    with pytest.raises(ValidationError):
        services.tutor_hand_on(actor=administrator, departing=departing, receiving=[elsewhere])
    assert Learner.objects.filter(tutor=departing).count() == 4


@pytest.mark.parametrize("role", ["tutor", "omu", "director"])
def test_other_roles_get_403(client, request, role, departing, humber_tutor, caseload):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(_url(departing)).status_code == 403
    data = {"receiving": [humber_tutor.pk], "confirmed": "yes"}
    assert client.post(_url(departing), data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.tutor_hand_on(actor=user, departing=departing, receiving=[humber_tutor])
    assert Learner.objects.filter(tutor=departing).count() == 4


def test_only_a_tutor_is_handed_on(client, administrator, regional_manager):
    client.force_login(administrator)
    assert client.get(_url(regional_manager)).status_code == 404


def test_with_nobody_to_receive_the_page_says_what_to_do(client, administrator, departing):
    client.force_login(administrator)
    page = client.get(_url(departing)).content.decode()
    assert "No other active tutor works at HMP Humber or HMP Risley" in page
    assert reverse("configuration:staff_invite") in page


def test_the_departing_tutors_reminders_are_withdrawn_and_the_receiving_tutor_is_reminded(
    administrator, departing, humber_tutor, risley_tutor, caseload
):
    """TutorHandedOn: the departing tutor's open reminders about the learners they
    hand on (the intervention's too) are withdrawn at once and never emailed; the
    next sweep reminds the receiving tutor."""
    from notifications.models import EmailStatus, Notification, NotificationKind
    from notifications.services import reminders_run

    Intervention.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    reminders_run()
    before = Notification.objects.filter(recipient=departing, resolved_at__isnull=True)
    kinds = set(before.values_list("kind", flat=True))
    assert NotificationKind.INTERVENTION_OVERDUE in kinds
    withdrawn_ids = list(before.values_list("pk", flat=True))

    services.tutor_hand_on(
        actor=administrator, departing=departing, receiving=[humber_tutor, risley_tutor]
    )

    withdrawn = Notification.objects.filter(pk__in=withdrawn_ids)
    assert not withdrawn.filter(resolved_at__isnull=True).exists()
    assert not withdrawn.filter(email_status__in=[EmailStatus.PENDING, EmailStatus.DIGEST]).exists()
    reminders_run()
    assert not Notification.objects.filter(recipient=departing, resolved_at__isnull=True).exists()
    assert Notification.objects.filter(
        recipient=humber_tutor,
        learner=caseload[0],
        kind=NotificationKind.INTERVENTION_OVERDUE,
        resolved_at__isnull=True,
    ).exists()


def test_other_tutors_reminders_stay(administrator, departing, humber_tutor, prison, caseload):
    """Only the departing tutor's reminders go: the receiving tutor's own reminders
    about their own learners are untouched."""
    from notifications.models import Notification
    from notifications.services import reminders_run

    own = LearnerFactory(prison=prison, tutor=humber_tutor)
    intervention_raise(
        actor=humber_tutor,
        learner=own,
        kind=InterventionKind.EXTRA_TUTOR_TIME,
        description="Own work",
        owner=humber_tutor,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    reminders_run()
    kept = list(
        Notification.objects.filter(recipient=humber_tutor, resolved_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    assert kept
    Learner.objects.filter(pk=caseload[3].pk).update(tutor=humber_tutor)  # nothing at Risley
    services.tutor_hand_on(actor=administrator, departing=departing, receiving=[humber_tutor])
    assert Notification.objects.filter(pk__in=kept, resolved_at__isnull=True).count() == len(kept)


# Regional managers hand on what is at their own prisons


def test_a_regional_manager_hands_on_only_the_learners_at_their_prisons(
    client, regional_manager, departing, humber_tutor, risley_tutor, caseload
):
    """Rachel covers Humber: she reaches the page from a Humber learner's page, is
    offered only Humber's tutors, and hands on the three Humber learners and their
    intervention; the Risley learner stays with the departing tutor."""
    client.force_login(regional_manager)
    detail = client.get(reverse("learners:detail", kwargs={"pk": caseload[0].pk}))
    assert _url(departing) in detail.content.decode()
    form = client.get(_url(departing))
    assert form.status_code == 200
    offered = {tutor.pk for tutor in form.context["form"].fields["receiving"].queryset}
    assert offered == {humber_tutor.pk}

    confirm = client.post(_url(departing), {"receiving": [humber_tutor.pk]})
    assert "3 learners and 1 open intervention go from Dee Departing" in confirm.content.decode()
    response = client.post(_url(departing), {"receiving": [humber_tutor.pk], "confirmed": "yes"})
    assert response.status_code == 302
    assert Learner.objects.filter(tutor=humber_tutor).count() == 3
    assert list(Learner.objects.filter(tutor=departing)) == [caseload[3]]
    assert Intervention.objects.get().owner == humber_tutor
    summary = AuditEvent.objects.get(action="configuration.staff.hand_on")
    assert summary.actor == regional_manager
    assert summary.detail["learners"] == 3 and summary.detail["prisons"] == [caseload[0].prison_id]


def test_a_regional_manager_cannot_hand_on_to_a_tutor_elsewhere(
    client, regional_manager, departing, risley_tutor, caseload
):
    client.force_login(regional_manager)
    response = client.post(_url(departing), {"receiving": [risley_tutor.pk], "confirmed": "yes"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    with pytest.raises(ValidationError):
        services.tutor_hand_on(
            actor=regional_manager, departing=departing, receiving=[risley_tutor]
        )
    assert Learner.objects.filter(tutor=departing).count() == 4
    assert not AuditEvent.objects.filter(action="learner.tutor_hand_on").exists()


def test_a_regional_manager_of_another_prison_gets_404(
    client, make_user, departing, humber_tutor, caseload
):
    from tests.factories import PrisonFactory

    leeds = make_user(Role.REGIONAL_MANAGER, [PrisonFactory(code="LEI", name="HMP Leeds")])
    client.force_login(leeds)
    assert client.get(_url(departing)).status_code == 404
    data = {"receiving": [humber_tutor.pk], "confirmed": "yes"}
    assert client.post(_url(departing), data).status_code == 404
    assert Learner.objects.filter(tutor=departing).count() == 4


def test_a_tutor_sees_no_hand_on_link_on_the_learner_page(client, departing, caseload):
    client.force_login(departing)
    detail = client.get(reverse("learners:detail", kwargs={"pk": caseload[0].pk}))
    assert detail.status_code == 200
    assert _url(departing) not in detail.content.decode()
