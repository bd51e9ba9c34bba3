import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import Transfer
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_transfer_moves_the_learner_and_who_can_see_them(
    client, regional_manager, tutor, make_user, prison, other_prison, today
):
    learner = LearnerFactory(prison=prison, tutor=tutor, joined_on=today - dt.timedelta(days=90))
    new_staff = make_user(Role.TUTOR, [other_prison])
    detail = reverse("learners:detail", kwargs={"pk": learner.pk})
    client.force_login(new_staff)
    assert client.get(detail).status_code == 404

    client.force_login(regional_manager)
    response = client.post(
        reverse("learners:transfer", kwargs={"pk": learner.pk}),
        {
            "to_prison": other_prison.pk,
            "transferred_on": (today - dt.timedelta(days=1)).isoformat(),
            "reason": "Closer to family",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learners:list")
    transfer = Transfer.objects.get()
    assert (transfer.from_prison, transfer.to_prison) == (prison, other_prison)
    learner.refresh_from_db()
    assert learner.prison == other_prison
    assert learner.tutor is None  # the old tutor does not cover the new prison
    assert AuditEvent.objects.filter(action="learner.transfer", learner_ref=learner.pk).count() == 1

    # Old prison staff lose access; new prison staff gain it, with the history.
    assert client.get(detail).status_code == 404
    client.force_login(tutor)
    assert client.get(detail).status_code == 404
    client.force_login(new_staff)
    assert client.get(detail).status_code == 200
    timeline = client.get(reverse("learners:timeline", kwargs={"pk": learner.pk}))
    assert "Transferred from HMP Humber to HMP Risley" in timeline.content.decode()


def test_transfer_form_errors(client, regional_manager, prison, other_prison, today):
    learner = LearnerFactory(prison=prison)
    client.force_login(regional_manager)
    url = reverse("learners:transfer", kwargs={"pk": learner.pk})
    response = client.post(
        url,
        {
            "to_prison": prison.pk,
            "transferred_on": (today + dt.timedelta(days=3)).isoformat(),
            "reason": "",
        },
    )
    html = response.content.decode()
    assert "Choose a different prison from the current one" in html
    assert "The date of transfer must be today or earlier" in html
    assert "Enter the reason for the transfer" in html
    assert not Transfer.objects.exists()
