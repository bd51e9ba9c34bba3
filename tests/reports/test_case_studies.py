"""Case studies (issue 18, part 1): a regional manager starts one from a consenting
learner's record, the draft is anonymised, an identifier check blocks approval while
anything identifying remains, a director approves or returns it, the approved study
exports as PDF and Markdown, and a withdrawn consent withdraws it and tells its author."""

import datetime as dt
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import Consent, ConsentKind, CourseStatus
from learners.services import consent_withdraw
from reports.case_study_text import (
    duration_in_words,
    identifier_terms,
    identifiers_in,
)
from reports.models import CaseStudy, CaseStudyStatus
from resettlement.models import (
    Employer,
    FollowUp,
    Outcome,
    OutcomeKind,
    Release,
    ReleaseType,
)
from reviews.models import (
    Module,
    ModuleCompletion,
    Review,
    ReviewStatus,
    Skill,
    SkillRating,
    Track,
)
from tests.factories import ConsentFactory, LearnerFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def record(learner, prison):
    """A graduate with modules, skills, a review quote naming them and a job."""
    prison.region.name = "North West"
    prison.region.save()
    learner.joined_on = D(2024, 1, 10)
    learner.course_status = CourseStatus.GRADUATED
    learner.graduated_on = D(2024, 9, 20)
    learner.save()
    ConsentFactory(learner=learner, kind=ConsentKind.CASE_STUDY)
    track = Track.objects.create(name="Web development", order=1)
    for n, title in enumerate(["HTML and CSS", "JavaScript basics"]):
        ModuleCompletion.objects.create(
            learner=learner,
            module=Module.objects.create(track=track, title=title, order=n),
            completed_on=D(2024, 4 + n, 1),
            evidence="A website",
        )
    review = Review.objects.create(
        learner=learner,
        status=ReviewStatus.COMPLETE,
        held_on=D(2024, 6, 1),
        learner_words="Jamie here: at HMP Humber on 3 May 2024 I built my first website.",
    )
    SkillRating.objects.create(
        learner=learner, skill=Skill.TEAMWORK, rating=1, rated_on=D(2024, 1, 10)
    )
    SkillRating.objects.create(
        learner=learner, review=review, skill=Skill.TEAMWORK, rating=4, rated_on=D(2024, 6, 1)
    )
    Employer.objects.create(name="Lloyds Digital", sector="Financial services")
    release = Release.objects.create(
        learner=learner, released_on=D(2025, 1, 5), release_type=ReleaseType.values[0], area="Leeds"
    )
    follow_up = FollowUp.objects.create(
        release=release, learner=learner, months=3, due_on=D(2025, 4, 5)
    )
    Outcome.objects.create(
        follow_up=follow_up,
        learner=learner,
        confirmed_on=D(2025, 4, 5),
        kind=OutcomeKind.EMPLOYED_TECH,
        employer_name="Lloyds Digital",
    )
    return learner, review


def _start(client, regional_manager, learner, review):
    client.force_login(regional_manager)
    return client.post(
        reverse("reports:case_study_start", kwargs={"pk": learner.pk}),
        {"title": "From first line of code to a first job", "quotes": [str(review.pk)]},
    )


# --- The identifier check and the prefilled draft ---------------------------------------


def test_identifier_check_finds_names_numbers_prisons_employers_and_dates(record):
    learner, _review = record
    text = (
        "Doyle, known to staff at HMP Humber as A1234BC (PNC 2024/1234567X, our number "
        f"{learner.prison_number}), started at Lloyds Digital on 12/03/2025 and on "
        "3 May 2024, then in March 2, 2025."
    )
    found = {(f.kind, f.text) for f in identifiers_in(text, identifier_terms(learner))}
    assert ("The learner's name", "Doyle") in found
    assert ("The learner's prison number", learner.prison_number) in found
    assert ("A prison's name", "HMP Humber") in found
    assert ("An employer's name", "Lloyds Digital") in found
    assert ("An exact date", "12/03/2025") in found
    assert ("An exact date", "3 May 2024") in found
    assert ("An exact date", "March 2, 2025") in found
    assert ("A number that looks like a prison number", "A1234BC") in found
    assert ("A number that looks like a PNC number", "2024/1234567X") in found


def test_general_words_pass_the_check(record):
    learner, _review = record
    text = (
        "After eight months at a category C prison in the north of England, they joined "
        "a financial-services firm in 2025 as a junior developer."
    )
    assert identifiers_in(text, identifier_terms(learner)) == []


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (D(2024, 1, 10), D(2024, 9, 20), "eight months"),
        (D(2024, 1, 10), D(2025, 4, 10), "a year and three months"),
        (D(2024, 1, 10), D(2024, 1, 30), "a few weeks"),
        (D(2022, 1, 10), D(2024, 1, 10), "two years"),
    ],
)
def test_durations_are_told_in_words(start, end, words):
    assert duration_in_words(start, end) == words


def test_regional_manager_starts_a_prefilled_anonymised_draft(client, regional_manager, record):
    learner, review = record
    response = _start(client, regional_manager, learner, review)
    study = CaseStudy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:case_study_detail", kwargs={"pk": study.pk})
    assert study.status == CaseStudyStatus.DRAFT
    assert study.author == regional_manager
    body = study.body
    assert "a prison in the North West region" in body
    assert "for eight months" in body
    assert "Web development" in body and "JavaScript basics" in body
    assert "Teamwork: from not confident to very confident" in body
    assert "They graduated after eight months" in body
    assert "employed in tech, with an employer in the financial services sector" in body
    # The quote is the learner's own words with the identifiers replaced.
    assert "> the learner here: at the prison on [date removed] I built my first website." in body
    assert identifiers_in(body, identifier_terms(learner)) == []
    assert (
        AuditEvent.objects.filter(
            action="case_study.start", learner_ref=learner.pk, object_id=str(study.pk)
        ).count()
        == 1
    )


def test_no_case_study_consent_is_refused_with_a_clear_message(client, regional_manager, learner):
    ConsentFactory(learner=learner, kind=ConsentKind.CASE_STUDY, withdrawn_on=timezone.localdate())
    client.force_login(regional_manager)
    url = reverse("reports:case_study_start", kwargs={"pk": learner.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "has not given consent to be in a case study" in page.content.decode()
    response = client.post(url, {"title": "A story"})
    assert response.status_code == 400
    assert not CaseStudy.objects.exists()
    assert not AuditEvent.objects.filter(action="case_study.start").exists()


def test_start_without_a_title_comes_back_with_the_error_summary(client, regional_manager, record):
    learner, _review = record
    client.force_login(regional_manager)
    response = client.post(reverse("reports:case_study_start", kwargs={"pk": learner.pk}), {})
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content and "Enter a title for the case study" in content
    assert not CaseStudy.objects.exists()


def test_another_prisons_manager_gets_404_and_a_tutor_403(
    client, make_user, other_prison, tutor, record
):
    learner, review = record
    outsider = make_user("regional_manager", [other_prison])
    assert _start(client, outsider, learner, review).status_code == 404
    assert _start(client, tutor, learner, review).status_code == 403
    assert not CaseStudy.objects.exists()


# --- Approval, return, editing ----------------------------------------------------------


def _study(learner, author, body):
    return CaseStudy.objects.create(learner=learner, title="A story", body=body, author=author)


def test_approval_is_blocked_while_an_identifier_remains(
    client, director, regional_manager, record
):
    learner, _review = record
    study = _study(learner, regional_manager, "Jamie joined in 2024 at HMP Humber.")
    client.force_login(director)
    page = client.get(reverse("reports:case_study_detail", kwargs={"pk": study.pk}))
    content = page.content.decode()
    assert "The text still identifies the learner" in content
    assert "The learner&#x27;s name: “Jamie”" in content
    assert "A prison&#x27;s name: “HMP Humber”" in content
    response = client.post(reverse("reports:case_study_approve", kwargs={"pk": study.pk}))
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.DRAFT
    assert not AuditEvent.objects.filter(action="case_study.approve").exists()


def test_return_edit_and_approve(client, director, regional_manager, record):
    learner, _review = record
    study = _study(learner, regional_manager, "Jamie joined in 2024.")
    client.force_login(director)
    url = reverse("reports:case_study_return", kwargs={"pk": study.pk})
    empty = client.post(url, {"note": ""})
    assert empty.status_code == 400
    assert "Enter a note for the author" in empty.content.decode()
    client.post(url, {"note": "Take the name out."})
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.RETURNED
    assert study.return_note == "Take the name out."

    client.force_login(regional_manager)
    client.post(
        reverse("reports:case_study_edit", kwargs={"pk": study.pk}),
        {"title": "A story", "body": "They joined in 2024 and now work in tech."},
    )
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.DRAFT

    client.force_login(director)
    client.post(reverse("reports:case_study_approve", kwargs={"pk": study.pk}))
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.APPROVED
    assert study.decided_by == director
    actions = list(
        AuditEvent.objects.filter(object_id=str(study.pk), action__startswith="case_study.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert [a for a in actions if a != "case_study.view"] == [
        "case_study.return",
        "case_study.edit",
        "case_study.approve",
    ]


def test_an_approved_study_cannot_be_edited(client, regional_manager, record):
    learner, _review = record
    study = _study(learner, regional_manager, "They joined in 2024.")
    study.status = CaseStudyStatus.APPROVED
    study.save()
    client.force_login(regional_manager)
    response = client.post(
        reverse("reports:case_study_edit", kwargs={"pk": study.pk}),
        {"title": "Changed", "body": "Changed"},
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.title == "A story"


# --- Exports ---------------------------------------------------------------------------


def test_approved_study_exports_as_pdf_and_markdown(
    client, director, regional_manager, record, tmp_path
):
    learner, _review = record
    study = _study(learner, regional_manager, "## Now\n\n> I build websites for a living.")
    client.force_login(director)
    draft = client.get(reverse("reports:case_study_pdf", kwargs={"pk": study.pk}))
    assert draft.status_code == 404
    study.status = CaseStudyStatus.APPROVED
    study.save()
    markdown = client.get(reverse("reports:case_study_markdown", kwargs={"pk": study.pk}))
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown.content.decode() == "# A story\n\n## Now\n\n> I build websites for a living.\n"
    pdf = client.get(reverse("reports:case_study_pdf", kwargs={"pk": study.pk}))
    assert pdf.content.startswith(b"%PDF")
    path = tmp_path / "study.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "I build websites for a living." in text
    assert learner.last_name not in text
    assert (
        AuditEvent.objects.filter(action="case_study.export", object_id=str(study.pk)).count() == 2
    )


# --- Consent withdrawn -----------------------------------------------------------------


def test_withdrawn_consent_withdraws_the_study_and_tells_its_author(
    regional_manager, record, django_capture_on_commit_callbacks
):
    learner, _review = record
    study = _study(learner, regional_manager, "They joined in 2024.")
    other = LearnerFactory(prison=learner.prison)
    ConsentFactory(learner=other, kind=ConsentKind.CASE_STUDY)
    untouched = _study(other, regional_manager, "Another story.")
    consent = Consent.objects.get(learner=learner, kind=ConsentKind.CASE_STUDY)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(actor=regional_manager, consent=consent)
    study.refresh_from_db()
    untouched.refresh_from_db()
    assert study.status == CaseStudyStatus.WITHDRAWN
    assert study.withdrawn_at is not None
    assert untouched.status == CaseStudyStatus.DRAFT
    assert [m.to for m in mail.outbox] == [[regional_manager.email]]
    assert "has been withdrawn" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="case_study.withdraw", object_id=str(study.pk)).exists()


def test_withdrawing_another_consent_leaves_the_study(regional_manager, record):
    learner, _review = record
    study = _study(learner, regional_manager, "They joined in 2024.")
    other = ConsentFactory(learner=learner, kind=ConsentKind.SHARE_WITH_OMU)
    consent_withdraw(actor=regional_manager, consent=other)
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.DRAFT


# --- The list ----------------------------------------------------------------------------


def test_list_is_scoped_and_its_queries_do_not_grow(
    client,
    director,
    regional_manager,
    make_user,
    other_prison,
    record,
    django_assert_max_num_queries,
):
    learner, _review = record
    elsewhere = LearnerFactory(prison=other_prison)

    def add(n):
        for i in range(n):
            _study(learner, regional_manager, f"Story {i}")
            _study(elsewhere, None, f"Far story {i}")

    add(2)
    client.force_login(regional_manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:case_study_list"))
    assert page.context["page"].paginator.count == 2
    add(10)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:case_study_list"))
    assert page.context["page"].paginator.count == 12
    client.force_login(director)
    assert client.get(reverse("reports:case_study_list")).context["page"].paginator.count == 24


# --- The skills chart (distance travelled) ---------------------------------------------


def test_the_page_shows_the_skills_chart_with_no_identifier(client, regional_manager, record):
    learner, review = record
    _start(client, regional_manager, learner, review)
    study = CaseStudy.objects.get()
    page = client.get(reverse("reports:case_study_detail", kwargs={"pk": study.pk}))
    content = page.content.decode()
    chart = content.split('data-testid="case-study-chart"', 1)[1].split("</figure>", 1)[0]
    # The picture, its text alternative (title and description for screen readers)
    # and the figures as a table.
    assert "<svg" in chart and "<title" in chart and "<desc" in chart
    assert 'aria-labelledby="' in chart
    assert "Skills distance travelled" in chart
    assert "At the start" in chart and "After four months" in chart
    assert "Teamwork" in chart and "Very confident" in chart
    assert identifiers_in(chart, identifier_terms(learner)) == []
    assert "2024" not in chart and "Jan" not in chart
    assert learner.first_name not in chart and learner.prison.name not in chart


def test_a_learner_without_ratings_has_no_chart(client, regional_manager, record):
    learner, _review = record
    SkillRating.objects.filter(learner=learner).delete()
    study = _study(learner, regional_manager, "They joined in 2024.")
    client.force_login(regional_manager)
    page = client.get(reverse("reports:case_study_detail", kwargs={"pk": study.pk}))
    assert page.status_code == 200
    assert 'data-testid="case-study-chart"' not in page.content.decode()


def test_the_pdf_carries_the_chart_and_the_markdown_keeps_the_lines(
    client, director, regional_manager, record, tmp_path
):
    learner, review = record
    _start(client, regional_manager, learner, review)
    study = CaseStudy.objects.get()
    study.status = CaseStudyStatus.APPROVED
    study.save()
    client.force_login(director)
    pdf = client.get(reverse("reports:case_study_pdf", kwargs={"pk": study.pk}))
    path = tmp_path / "study.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Skills distance travelled" in text
    assert "At the start" in text and "After four months" in text
    assert identifiers_in(text, identifier_terms(learner)) == []
    markdown = client.get(reverse("reports:case_study_markdown", kwargs={"pk": study.pk}))
    body = markdown.content.decode()
    assert "- Teamwork: from not confident to very confident" in body
    assert "<svg" not in body and "At the start" not in body
