import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from learners.models import (
    COURSE_TRANSITIONS,
    CUSTODY_TRANSITIONS,
    CUSTODY_WORKFLOW_REFUSALS,
    CourseStatus,
    CustodyStatus,
    StatusChange,
    TimelineEvent,
    TimelineKind,
)
from learners.services import (
    TransitionRefused,
    learner_change_course_status,
    learner_change_custody_status,
)
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "to"), list(itertools.product(CourseStatus.values, CourseStatus.values))
)
def test_course_transitions_follow_the_table(regional_manager, prison, start, to):
    learner = LearnerFactory(prison=prison, course_status=start)
    # Graduation is the graduation rule's (reviews), never this service's.
    if to in COURSE_TRANSITIONS[start] and to != CourseStatus.GRADUATED:
        change = learner_change_course_status(
            actor=regional_manager, learner=learner, to=to, reason="Agreed"
        )
        learner.refresh_from_db()
        assert learner.course_status == to
        assert (change.from_status, change.to_status, change.reason) == (start, to, "Agreed")
        assert change.changed_by == regional_manager
        assert TimelineEvent.objects.filter(learner=learner, kind=TimelineKind.STATUS).exists()
        assert AuditEvent.objects.filter(
            action="learner.status_change", learner_ref=learner.pk
        ).exists()
    else:
        with pytest.raises(TransitionRefused):
            learner_change_course_status(actor=regional_manager, learner=learner, to=to)
        learner.refresh_from_db()
        assert learner.course_status == start
        assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("start", "to"), list(itertools.product(CustodyStatus.values, CustodyStatus.values))
)
def test_custody_transitions_follow_the_table(regional_manager, prison, start, to):
    learner = LearnerFactory(prison=prison, custody_status=start)
    # Release and return have their own workflows (resettlement); this service
    # refuses them, so no custody move is left for it today.
    if to in CUSTODY_TRANSITIONS[start] and to not in CUSTODY_WORKFLOW_REFUSALS:
        learner_change_custody_status(actor=regional_manager, learner=learner, to=to)
        learner.refresh_from_db()
        assert learner.custody_status == to
        assert StatusChange.objects.get().to_status == to
    else:
        with pytest.raises(TransitionRefused):
            learner_change_custody_status(actor=regional_manager, learner=learner, to=to)
        assert not StatusChange.objects.exists()


def test_graduation_is_refused_here_and_changes_nothing(regional_manager, prison):
    learner = LearnerFactory(prison=prison, course_status=CourseStatus.ACTIVE)
    with pytest.raises(TransitionRefused, match="last required module"):
        learner_change_course_status(actor=regional_manager, learner=learner, to="graduated")
    learner.refresh_from_db()
    assert (learner.course_status, learner.graduated_on) == (CourseStatus.ACTIVE, None)


def test_tutor_cannot_change_status(tutor, prison):
    learner = LearnerFactory(prison=prison, course_status=CourseStatus.ACTIVE)
    with pytest.raises(PermissionDenied):
        learner_change_course_status(actor=tutor, learner=learner, to=CourseStatus.PAUSED)


def test_status_page_changes_status_and_offers_only_allowed_moves(client, regional_manager, prison):
    learner = LearnerFactory(prison=prison, course_status=CourseStatus.ACTIVE)
    url = reverse("learners:status_change", kwargs={"pk": learner.pk, "field": "course"})
    client.force_login(regional_manager)
    html = client.get(url).content.decode()
    assert 'value="paused"' in html
    assert 'value="referred"' not in html

    refused = client.post(url, {"to": "referred", "reason": "Mistake"})
    assert refused.status_code == 200
    assert "That status change is not allowed" in refused.content.decode()

    missing = client.post(url, {"to": "paused", "reason": ""})
    assert "Enter the reason for the change" in missing.content.decode()

    response = client.post(url, {"to": "paused", "reason": "In segregation"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.PAUSED
    assert AuditEvent.objects.filter(action="learner.status_change").count() == 1
