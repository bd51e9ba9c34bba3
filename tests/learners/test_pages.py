import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import TimelineKind
from learners.timeline import timeline_record
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

READ_URLS = ["learners:detail", "learners:intake", "learners:timeline"]
CHANGE_URLS = [
    ("learners:edit", {}),
    ("learners:intake_step", {"step": "interview"}),
    ("learners:intake_step", {"step": "consents"}),
    ("learners:intake_check", {}),
    ("learners:transfer", {}),
    ("learners:status_change", {"field": "course"}),
    ("learners:status_change", {"field": "custody"}),
]


@pytest.mark.parametrize("name", READ_URLS)
def test_every_learner_page_is_404_to_another_prison(
    client, make_user, other_prison, learner, name
):
    url = reverse(name, kwargs={"pk": learner.pk})
    for role in ("regional_manager", "tutor", "omu"):
        client.force_login(make_user(role, [other_prison]))
        expected = 403 if role == "omu" else 404  # OMU may not see learner records at all
        assert client.get(url).status_code == expected


@pytest.mark.parametrize(("name", "extra"), CHANGE_URLS)
def test_every_learner_change_is_404_to_another_prison(
    client, make_user, other_prison, learner, name, extra
):
    url = reverse(name, kwargs={"pk": learner.pk, **extra})
    client.force_login(make_user("regional_manager", [other_prison]))
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(make_user("tutor", [learner.prison]))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["learners:detail", "learners:intake", "learners:timeline"])
def test_every_view_of_a_learner_page_is_audited_once(client, director, learner, name):
    client.force_login(director)
    response = client.get(reverse(name, kwargs={"pk": learner.pk}))
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action="learner.view", learner_ref=learner.pk)
    assert events.count() == 1
    assert events.get().actor == director


def test_learner_page_has_the_summary_header_and_tabs(client, tutor, learner):
    client.force_login(tutor)
    html = client.get(reverse("learners:detail", kwargs={"pk": learner.pk})).content.decode()
    assert 'data-testid="learner-summary"' in html
    assert learner.prison_number in html
    assert reverse("learners:timeline", kwargs={"pk": learner.pk}) in html
    assert reverse("learners:intake", kwargs={"pk": learner.pk}) in html
    assert html.count("<h1") == 1


def test_timeline_is_newest_first_filterable_and_hides_restricted(
    client, tutor, regional_manager, learner
):
    timeline_record(learner=learner, kind=TimelineKind.ENROLMENT, summary="First thing")
    timeline_record(learner=learner, kind=TimelineKind.TRANSFER, summary="Second thing")
    timeline_record(
        learner=learner,
        kind=TimelineKind.INTERVENTION,
        summary="Recovery referral",
        restricted=True,
    )
    url = reverse("learners:timeline", kwargs={"pk": learner.pk})
    client.force_login(tutor)
    html = client.get(url).content.decode()
    assert html.index("Second thing") < html.index("First thing")
    assert "Recovery referral" not in html
    filtered = client.get(url, {"kind": "transfer"}).content.decode()
    assert "Second thing" in filtered and "First thing" not in filtered
    client.force_login(regional_manager)
    assert "Recovery referral" in client.get(url).content.decode()


def test_non_numeric_or_missing_learner_is_404(client, tutor):
    client.force_login(tutor)
    assert client.get(reverse("learners:detail", kwargs={"pk": 999999})).status_code == 404


def test_learner_of_another_prison_is_invisible_in_lists_too(client, tutor, other_prison):
    LearnerFactory(prison=other_prison, last_name="Faraway")
    client.force_login(tutor)
    response = client.get(reverse("learners:list"), {"q": "Faraway"})
    assert list(response.context["page"].object_list) == []
    assert 'data-testid="empty-state"' in response.content.decode()
