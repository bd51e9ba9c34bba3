"""Prisons and regions: add, rename, close and reopen; a closed prison keeps its
history and takes no new learners."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Prison, Region
from audit.models import AuditEvent
from learners.models import Learner
from learners.services import learner_enrol

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_prison(client, administrator, prison):
    client.force_login(administrator)
    response = client.post(
        reverse("configuration:prison_add"),
        {"code": "lei", "name": "HMP Leeds", "region": prison.region_id},
    )
    assert response.status_code == 302
    added = Prison.objects.get(code="LEI")
    assert (added.name, added.region, added.is_active) == ("HMP Leeds", prison.region, True)
    assert AuditEvent.objects.filter(action="configuration.prison.add", object_id=str(added.pk))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "HMI", "name": "HMP Elsewhere"}, "There is already a prison with this code"),
        ({"code": "H1", "name": "HMP Elsewhere"}, "Enter a prison code of 2 to 5 letters"),
        ({"code": "ABC", "name": "hmp humber"}, "There is already a prison with this name"),
        ({"code": "ABC", "name": ""}, "Enter the prison&#x27;s name"),
    ],
)
def test_bad_prisons_are_refused(client, administrator, prison, data, message):
    client.force_login(administrator)
    response = client.post(
        reverse("configuration:prison_add"), {**data, "region": prison.region_id}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Prison.objects.count() == 1


def test_renaming_keeps_the_code(client, administrator, prison):
    client.force_login(administrator)
    client.post(
        reverse("configuration:prison_edit", args=[prison.pk]),
        {"name": "HMP Humber (Everthorpe)", "region": prison.region_id},
    )
    prison.refresh_from_db()
    assert (prison.code, prison.name) == ("HMI", "HMP Humber (Everthorpe)")
    event = AuditEvent.objects.get(action="configuration.prison.update")
    assert event.detail["before"]["name"] == "HMP Humber"


def test_a_closed_prison_keeps_its_learners_and_takes_no_new_ones(
    client, administrator, regional_manager, prison, learner
):
    client.force_login(administrator)
    assert client.post(reverse("configuration:prison_close", args=[prison.pk])).status_code == 302
    prison.refresh_from_db()
    assert not prison.is_active
    assert Learner.objects.filter(pk=learner.pk, prison=prison).exists()
    client.force_login(regional_manager)
    # The caseload still shows the learner at the closed prison.
    assert learner.prison_number in client.get(reverse("learners:list")).content.decode()
    # The enrolment form no longer offers it...
    enrol_form = client.get(reverse("learners:enrol")).context["form"]
    assert prison not in enrol_form.fields["prison"].queryset
    # ...and the record itself refuses a new learner there, whatever the path.
    with pytest.raises(ValidationError) as refused:
        learner_enrol(
            actor=regional_manager,
            data={
                "prison_number": "A9999ZZ",
                "first_name": "New",
                "last_name": "Person",
                "date_of_birth": dt.date(1990, 1, 1),
                "prison": prison,
                "joined_on": dt.date(2024, 1, 1),
            },
        )
    assert refused.value.message_dict["prison"] == [
        "HMP Humber is closed: it takes no new learners"
    ]
    assert not Learner.objects.filter(prison_number="A9999ZZ").exists()


def test_closing_twice_says_so(client, administrator, prison):
    client.force_login(administrator)
    client.post(reverse("configuration:prison_close", args=[prison.pk]))
    response = client.post(reverse("configuration:prison_close", args=[prison.pk]))
    assert response.status_code == 400
    assert "already closed" in response.content.decode()
    assert AuditEvent.objects.filter(action="configuration.prison.close").count() == 1


def test_reopening(client, administrator, prison):
    prison.is_active = False
    prison.save()
    client.force_login(administrator)
    client.post(reverse("configuration:prison_reopen", args=[prison.pk]))
    prison.refresh_from_db()
    assert prison.is_active


def test_regions_are_added_and_renamed(client, administrator, prison):
    client.force_login(administrator)
    client.post(reverse("configuration:region_add"), {"name": "North East"})
    region = Region.objects.get(name="North East")
    client.post(reverse("configuration:region_edit", args=[region.pk]), {"name": "North-East"})
    region.refresh_from_db()
    assert region.name == "North-East"
    response = client.post(
        reverse("configuration:region_edit", args=[region.pk]), {"name": prison.region.name}
    )
    assert "There is already a region with this name" in response.content.decode()


def test_other_roles_cannot_close_a_prison(client, director, prison):
    client.force_login(director)
    assert client.post(reverse("configuration:prison_close", args=[prison.pk])).status_code == 403
    prison.refresh_from_db()
    assert prison.is_active


def test_the_prison_list_runs_a_fixed_number_of_queries(
    client, administrator, prison, make_user, django_assert_max_num_queries
):
    from tests.factories import LearnerFactory, PrisonFactory

    client.force_login(administrator)
    url = reverse("configuration:prison_list")
    with django_assert_max_num_queries(12):
        client.get(url)
    for n in range(15):
        extra = PrisonFactory(region=prison.region)
        make_user("tutor", [extra])
        LearnerFactory(prison=extra, first_name=f"L{n}")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["prisons"]) == 16


def test_an_unknown_prison_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("configuration:prison_edit", args=[999999])).status_code == 404
