"""The learner progress report: modules with evidence, skills over time, review
summaries and graduation; never restricted records or internal notes."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import CourseStatus, TimelineEvent, TimelineKind
from resettlement.models import ContactMethod, SupportContact
from reviews.models import (
    Attendance,
    Intervention,
    InterventionKind,
    Module,
    ModuleCompletion,
    PauseReason,
    Rag,
    Review,
    ReviewPause,
    ReviewStatus,
    Skill,
    SkillRating,
    Track,
)

pytestmark = pytest.mark.django_db
D = dt.date
SECRETS = (
    "ENGAGEMENT-INTERNAL",
    "RAG-REASON-INTERNAL",
    "WELLBEING-REFERRAL-SECRET",
    "PAUSE-NOTE-SECRET",
    "CONTACT-RESTRICTED-SECRET",
    "TIMELINE-RESTRICTED-SECRET",
)


@pytest.fixture
def record(learner, tutor):
    learner.course_status = CourseStatus.GRADUATED
    learner.graduated_on = D(2025, 6, 30)
    learner.tutor = tutor
    learner.save()
    track = Track.objects.create(name="Python", order=1)
    for n, (title, evidence) in enumerate(
        [("Variables and loops", "A quiz game in Python"), ("Functions", "A budgeting tool")]
    ):
        ModuleCompletion.objects.create(
            learner=learner,
            module=Module.objects.create(
                track=track, title=title, order=n, required_for_graduation=True
            ),
            completed_on=D(2025, 3 + n, 14),
            evidence=evidence,
        )
    review = Review.objects.create(
        learner=learner,
        status=ReviewStatus.COMPLETE,
        held_on=D(2025, 4, 1),
        due_on=D(2025, 4, 2),
        rag=Rag.GREEN,
        attendance=Attendance.FULL,
        progress="Finished the Python track early",
        learner_words="I never thought I could build something people use",
        engagement="ENGAGEMENT-INTERNAL",
        rag_reason="RAG-REASON-INTERNAL",
    )
    for skill, intake, later in [(Skill.TEAMWORK, 1, 3), (Skill.COMMUNICATION, 2, 4)]:
        SkillRating.objects.create(
            learner=learner, skill=skill, rating=intake, rated_on=D(2025, 1, 5)
        )
        SkillRating.objects.create(
            learner=learner, review=review, skill=skill, rating=later, rated_on=D(2025, 4, 1)
        )
    Intervention.objects.create(
        learner=learner,
        kind=InterventionKind.WELLBEING,
        description="WELLBEING-REFERRAL-SECRET",
        owner=tutor,
        due_on=D(2025, 5, 1),
    )
    ReviewPause.objects.create(
        learner=learner,
        reason=PauseReason.HEALTH,
        note="PAUSE-NOTE-SECRET",
        started_on=D(2025, 2, 1),
    )
    SupportContact.objects.create(
        learner=learner,
        contacted_on=D(2025, 7, 1),
        method=ContactMethod.PHONE,
        with_whom="Jamie",
        summary="Call",
        restricted_note="CONTACT-RESTRICTED-SECRET",
    )
    TimelineEvent.objects.create(
        learner=learner,
        kind=TimelineKind.INTERVENTION,
        summary="TIMELINE-RESTRICTED-SECRET",
        restricted=True,
    )
    return learner


def _text(response, tmp_path) -> str:
    path = tmp_path / "progress.pdf"
    path.write_bytes(response.content)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("role", [Role.TUTOR, Role.REGIONAL_MANAGER, Role.DIRECTOR])
def test_progress_report_holds_the_record_and_no_restricted_information(
    client, make_user, prison, record, tmp_path, role
):
    user = make_user(role, [prison])
    client.force_login(user)
    response = client.get(reverse("reports:learner_progress_pdf", args=[record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"progress-report-{record.prison_number}.pdf" in response["Content-Disposition"]
    text = _text(response, tmp_path)
    assert "Jamie Doyle" in text and record.prison_number in text
    assert "2 of 2 required modules completed (100%)" in text
    assert "Python: Variables and loops 14 March 2025 A quiz game in Python" in text
    assert "Python: Functions 14 April 2025 A budgeting tool" in text
    assert "Employability skills over time" in text
    assert "Teamwork Not confident Quite confident" in text
    assert "Review held on 1 April 2025" in text
    assert "Green: on track" in text
    assert "Finished the Python track early" in text
    assert "I never thought I could build something people use" in text
    assert "Graduated on 30 June 2025" in text
    for secret in SECRETS:
        assert secret not in text
    event = AuditEvent.objects.get(action="learner.progress_pdf")
    assert (event.actor, event.learner_ref) == (user, record.pk)


def test_progress_report_of_a_new_learner_says_what_is_missing(client, tutor, learner, tmp_path):
    client.force_login(tutor)
    text = _text(client.get(reverse("reports:learner_progress_pdf", args=[learner.pk])), tmp_path)
    assert "No modules completed yet." in text
    assert "No skill ratings recorded yet." in text
    assert "No progress review held yet." in text
    assert "Not graduated yet." in text


def test_progress_report_is_gated(client, make_user, prison, other_prison, learner):
    url = reverse("reports:learner_progress_pdf", args=[learner.pk])
    client.force_login(make_user(Role.OMU, [prison]))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.REGIONAL_MANAGER, [other_prison]))
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="learner.progress_pdf").exists()
