"""A director's graduation exception (issue 12): the only way to graduate a learner
without every required module. Needs a reason; audited; on the timeline."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import CourseStatus, StatusChange, TimelineEvent, TimelineKind
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_a_director_graduates_a_learner_by_exception_with_a_reason(
    client, director, prison, curriculum
):
    learner = LearnerFactory(prison=prison)
    url = reverse("reviews:graduation_exception", kwargs={"pk": learner.pk})
    client.force_login(director)
    assert "0 of 2" in client.get(url).content.decode()

    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert "Enter the reason for the exception" in missing.content.decode()
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.ACTIVE

    response = client.post(url, {"reason": "Completed the equivalent course at HMP Leeds"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.GRADUATED
    assert learner.graduated_on is not None
    change = StatusChange.objects.get(learner=learner)
    assert change.reason == "Completed the equivalent course at HMP Leeds"
    entry = TimelineEvent.objects.get(learner=learner, kind=TimelineKind.GRADUATION)
    assert "exception" in entry.summary
    assert AuditEvent.objects.filter(
        action="learner.graduation_exception", learner_ref=learner.pk
    ).exists()

    again = client.post(url, {"reason": "Twice"})
    assert again.status_code == 400
    assert StatusChange.objects.filter(learner=learner).count() == 1


def test_only_a_director_may_record_one(client, regional_manager, prison):
    learner = LearnerFactory(prison=prison)
    client.force_login(regional_manager)
    url = reverse("reviews:graduation_exception", kwargs={"pk": learner.pk})
    assert client.post(url, {"reason": "Because"}).status_code == 403
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.ACTIVE
