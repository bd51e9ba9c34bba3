"""Issue 18 part 1 in the browser: a case study from a consenting learner's record.

- regional manager: records the learner's consent to be in a case study (the date
  typed in the day, month and year boxes), starts a case study with a quote in the
  learner's own words, sees the skills chart, adds a sentence that names the
  learner, is shown the identifier the check flagged, takes it out and saves the
  draft for a director;
- director: opens it from the case studies, approves it and downloads it as
  Markdown, which has no identifier of the learner in it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEvent
from learners.models import Consent, ConsentKind
from reports.case_study_text import identifier_terms, identifiers_in
from reports.models import CaseStudy, CaseStudyStatus
from reviews.models import Review, ReviewStatus, Skill, SkillRating
from tests.browser.steps import fill_date
from tests.browser.test_role_journeys import Walk, heading
from tests.routes import Who

pytestmark = pytest.mark.browser

TITLE = "Learning to code, one module at a time"
WORDS = "I never thought I would enjoy problem solving, now I look for problems to solve."


def _learner_words_and_ratings(learner) -> None:
    """What the tutor recorded at intake and at a progress review."""
    start = learner.joined_on
    review = Review.objects.create(
        learner=learner,
        status=ReviewStatus.COMPLETE,
        held_on=start + dt.timedelta(days=40),
        learner_words=WORDS,
    )
    for skill, before, after in ((Skill.PROBLEM_SOLVING, 1, 3), (Skill.TEAMWORK, 2, 4)):
        SkillRating.objects.create(learner=learner, skill=skill, rating=before, rated_on=start)
        SkillRating.objects.create(
            learner=learner, review=review, skill=skill, rating=after, rated_on=review.held_on
        )


def test_regional_manager_writes_a_case_study_and_a_director_approves_it(
    open_page, live_world, artifacts, tmp_path
):
    learner = live_world.learner
    _learner_words_and_ratings(learner)
    given_on = timezone.localdate() - dt.timedelta(days=3)

    # --- The regional manager --------------------------------------------------------
    page = open_page()
    walk = Walk(page, artifacts)
    walk.sign_in(live_world.users[Who.RM])
    page.goto(reverse("learners:detail", kwargs={"pk": learner.pk}))
    walk.see("learner")

    # The learner has not consented yet: the start page says so.
    page.get_by_role("link", name="Start a case study").click()
    expect(page.get_by_test_id("no-consent")).to_be_visible()
    walk.see("no-consent")
    page.get_by_role("link", name="Back to the learner's page").click()
    walk.see()

    # The learner gave their consent three days ago: recorded, the date typed.
    page.get_by_role("link", name="Give or withdraw consents").click()
    walk.see("consents")
    page.get_by_role("link", name=re.compile(r"^Record consent given.*case study$")).click()
    walk.see()
    fill_date(page, "Date consent was given", given_on)
    page.get_by_role("button", name="Record consent given").click()
    walk.see()
    assert Consent.objects.get(learner=learner, kind=ConsentKind.CASE_STUDY).given_on == given_on

    # Start it: a mistake first (no title), then with a quote in their own words.
    page.goto(reverse("learners:detail", kwargs={"pk": learner.pk}))
    walk.see()
    page.get_by_role("link", name="Start a case study").click()
    expect(heading(page)).to_have_text("Start a case study")
    walk.see("start")
    page.get_by_role("button", name="Start the case study").click()
    walk.see("start-error")
    assert walk.follow_error_summary("Enter a title") == "id_title"
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label(WORDS).check()
    page.get_by_role("button", name="Start the case study").click()
    expect(heading(page)).to_have_text(TITLE)
    study = CaseStudy.objects.get(title=TITLE)
    text = page.get_by_test_id("case-study-text")
    expect(text).to_contain_text("Problem solving: from not confident to quite confident")
    expect(text).to_contain_text(WORDS)
    chart = page.get_by_test_id("case-study-chart")
    expect(chart.locator("svg")).to_have_count(1)
    expect(chart).to_contain_text("At the start")
    expect(chart).to_contain_text("After a month")
    expect(page.get_by_test_id("identifier-check-clear")).to_be_visible()
    walk.see("draft")

    # A sentence that names the learner: the check flags it and approval is blocked.
    page.get_by_role("link", name="Change the text").click()
    walk.see()
    body = page.get_by_label("The case study")
    body.fill(body.input_value() + f"\n\n{learner.first_name} now helps others learn.")
    page.get_by_role("button", name="Save").click()
    findings = page.get_by_test_id("identifier-findings")
    expect(findings).to_contain_text(f"The learner's name: “{learner.first_name}”")
    walk.see("flagged")
    page.get_by_role("link", name="Change the text").click()
    expect(page.get_by_test_id("findings-count")).to_contain_text(learner.first_name)
    walk.see()
    body.fill(body.input_value().replace(f"{learner.first_name} now", "They now"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("identifier-check-clear")).to_be_visible()
    expect(page.get_by_test_id("case-study-text")).to_contain_text("They now helps others learn.")
    walk.see("sent")
    walk.sign_out()
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.DRAFT
    assert identifiers_in(study.body, identifier_terms(learner)) == []

    # --- The director ---------------------------------------------------------------
    page = open_page()
    walk = Walk(page, artifacts)
    walk.sign_in(live_world.users[Who.DIRECTOR])
    page.goto(reverse("reports:case_study_list"))
    walk.see("list")
    page.get_by_role("link", name=TITLE).click()
    expect(heading(page)).to_have_text(TITLE)
    walk.see()
    page.get_by_role("button", name="Approve the case study").click()
    expect(page.get_by_test_id("case-study-status")).to_contain_text("Approved")
    walk.see("approved")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Markdown").click()
    path = tmp_path / "study.md"
    download_info.value.save_as(path)
    markdown = path.read_text()
    assert markdown.startswith(f"# {TITLE}\n")
    assert "They now helps others learn." in markdown
    assert identifiers_in(markdown, identifier_terms(learner)) == []
    walk.sign_out()

    study.refresh_from_db()
    assert study.status == CaseStudyStatus.APPROVED
    assert study.decided_by == live_world.users[Who.DIRECTOR]
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(study.pk), action__startswith="case_study."
        ).values_list("action", flat=True)
    )
    assert {"case_study.start", "case_study.edit", "case_study.approve"} <= actions
    assert "case_study.export" in actions
