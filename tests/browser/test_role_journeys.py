"""One journey per role, as a person would do it, from sign-in to sign-out.

Each test builds the records its person needs with the services (as the service
itself would have made them), then drives Chromium through the pages by their
visible names, asserting what the person sees. A `Walk` follows the page: every
document the person lands on must pass `checks.assert_page_passes` (the walk
fails if a page loads and is never checked), and the key pages are kept as
screenshots under test-artifacts/browser/<test>/.

- regional manager: enrols a learner (a mistake first), runs the intake
  interview, sees the learner active on the caseload;
- tutor: opens the work queue, records module completions for a class and a
  progress review (a mistake first), sees the next review date;
- OMU staff: opens a consenting learner's shared resettlement plan and adds an
  update to a prison-owned action (a mistake first); a learner who has not
  consented is not found.

The director's journey (dashboard, partner report, PDF) joins as
`test_director_journey` when the reports pages are merged: a `*_records(world)`
builder for what the director needs, then a walk like the ones below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, Response, expect

from accounts.models import Role
from audit.models import AuditEvent
from learners.models import CourseStatus, CustodyStatus, IntakeInterview, Learner
from learners.services import intake_save, learner_enrol
from resettlement import services as resettlement_services
from resettlement.models import ActionOwner, ActionUpdate, Pathway, PlanAction
from resettlement.selectors import pathway_for_learner
from reviews.models import ModuleCompletion, Review, ReviewStatus, Skill
from reviews.schedule import REVIEW_INTERVAL
from tests.browser.checks import assert_page_passes
from tests.browser.steps import fill_date, screenshot, sign_in, sign_out
from tests.reviews.factories import ModuleFactory, TrackFactory
from tests.routes import Who

pytestmark = pytest.mark.browser


# --- Following a person through the pages -------------------------------------------


@dataclass
class Walk:
    """One person's walk through the service. `see()` checks the page they are on
    (and keeps a screenshot when named); a page that loaded since the last check
    and was left unchecked fails the walk. Signing in and out go through
    `steps.sign_in` / `steps.sign_out`, whose pages test_journeys.py checks."""

    page: Page
    artifacts: Path
    shots: int = 0
    unchecked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._loaded)

    def _loaded(self, response: Response) -> None:
        request = response.request
        if (
            request.is_navigation_request()
            and request.frame == self.page.main_frame
            and not 300 <= response.status < 400
        ):
            self.unchecked.append(f"{request.method} {response.url} ({response.status})")

    def see(self, shot: str = "") -> None:
        self.page.wait_for_load_state("load")
        skipped = self.unchecked[:-1]
        assert not skipped, f"pages the person saw that were never checked: {skipped}"
        assert_page_passes(self.page)
        self.unchecked.clear()
        if shot:
            self.shots += 1
            screenshot(self.page, self.artifacts, f"{self.shots:02d}-{shot}")

    def sign_in(self, user) -> None:
        sign_in(self.page, user)
        self.unchecked.clear()  # the sign-in pages, checked by test_journeys.py
        self.see("home")

    def sign_out(self) -> None:
        assert not self.unchecked, f"pages never checked: {self.unchecked}"
        sign_out(self.page)
        self.unchecked.clear()

    def follow_error_summary(self, message: str) -> str:
        """Click the error summary's link for `message`; the id of the field it
        focuses (GOV.UK Frontend moves the focus to the field)."""
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("There is a problem")
        summary.get_by_role("link", name=message).click()
        return self.page.evaluate("document.activeElement && document.activeElement.id")


def long_date(day: dt.date) -> str:
    """A date as the pages show it ("j F Y")."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """A date as every page shows it (DATE_FORMAT "j F Y")."""
    return f"{day.day} {day:%B %Y}"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


# --- Records each journey needs, made with the services -----------------------------

NO_ANSWERS = {
    "education": "",
    "work_history": "",
    "coding_experience": "",
    "ambitions": "",
    "ambition_categories": [],
    "support_needs": [],
    "reasonable_adjustments": "",
    "priorities": [],
    "priorities_notes": "",
    "release_area": "",
}


def enrolled_with_intake(
    world,
    *,
    first_name: str,
    last_name: str,
    prison_number: str,
    intake_days_ago: int,
    sharing_consent: bool = False,
) -> Learner:
    """A learner enrolled and interviewed by the regional manager, taught by the
    world's tutor: active, with the review clock running from the intake."""
    manager = world.users[Who.RM]
    today = timezone.localdate()
    learner = learner_enrol(
        actor=manager,
        data={
            "prison_number": prison_number,
            "first_name": first_name,
            "last_name": last_name,
            "date_of_birth": dt.date(1991, 4, 12),
            "prison": world.prison,
            "joined_on": today - dt.timedelta(days=intake_days_ago + 7),
            "tutor": world.users[Who.TUTOR],
        },
    )
    held_on = today - dt.timedelta(days=intake_days_ago)
    intake_save(
        actor=manager,
        learner=learner,
        answers={**NO_ANSWERS, "held_on": held_on},
        restricted=None,
        expected_release_on=None,
        consents={"share_with_omu": held_on if sharing_consent else None},
        goals=[],
    )
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.ACTIVE
    return learner


@dataclass
class TutorRecords:
    due: Learner  # a review falls due within the next 14 days
    classmate: Learner  # in the same class, no review due yet
    module_title: str


def tutor_records(world) -> TutorRecords:
    track = TrackFactory(name="Web foundations")
    ModuleFactory(track=track, title="Build a web page")
    ModuleFactory(track=track, title="Style it with CSS")
    due = enrolled_with_intake(
        world, first_name="Sam", last_name="Okafor", prison_number="K4821QT", intake_days_ago=80
    )
    classmate = enrolled_with_intake(
        world, first_name="Lee", last_name="Marsh", prison_number="K4822QT", intake_days_ago=20
    )
    return TutorRecords(due=due, classmate=classmate, module_title="Build a web page")


@dataclass
class OmuRecords:
    consenting: Learner
    not_consenting: Learner
    prison_action: PlanAction
    code4000_action: PlanAction


def omu_records(world) -> OmuRecords:
    manager = world.users[Who.RM]
    consenting = enrolled_with_intake(
        world,
        first_name="Morgan",
        last_name="Bell",
        prison_number="M5531RX",
        intake_days_ago=30,
        sharing_consent=True,
    )
    not_consenting = enrolled_with_intake(
        world, first_name="Riley", last_name="Stone", prison_number="M5532RX", intake_days_ago=30
    )
    accommodation = pathway_for_learner(consenting, Pathway.ACCOMMODATION)
    prison_action = resettlement_services.action_add(
        actor=manager,
        pathway=accommodation,
        description="Book a housing assessment with the prison housing officer",
        owner_organisation=ActionOwner.PRISON,
        owner_name="Housing officer",
        due_on=timezone.localdate() + dt.timedelta(days=21),
        status="not_started",
    )
    code4000_action = resettlement_services.action_add(
        actor=manager,
        pathway=accommodation,
        description="Find a mentor in the release area",
        owner_organisation=ActionOwner.CODE4000,
        owner_name="",
        due_on=None,
        status="not_started",
    )
    return OmuRecords(consenting, not_consenting, prison_action, code4000_action)


# --- The journeys -------------------------------------------------------------------


def test_regional_manager_enrols_a_learner_and_runs_the_intake(browser_page, live_world, artifacts):
    page, manager = browser_page, live_world.users[Who.RM]
    assert manager.role == Role.REGIONAL_MANAGER
    walk = Walk(page, artifacts)
    today = timezone.localdate()
    walk.sign_in(manager)

    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(heading(page)).to_have_text("Caseload")
    walk.see()
    page.get_by_role("link", name="Enrol a learner").first.click()
    expect(heading(page)).to_have_text("Enrol a learner")
    walk.see("enrol")

    # A mistake: the last name is left out.
    page.get_by_label("Prison number").fill("a7788zt")
    page.get_by_label("First name").fill("Jordan")
    fill_date(page, "Date of birth", dt.date(1994, 3, 2))
    page.get_by_label("Prison", exact=True).select_option(label=live_world.prison.name)
    fill_date(page, "Date joined the course", today)
    page.get_by_label("Tutor (optional)").select_option(label="Tom Tutor")
    page.get_by_role("button", name="Enrol learner").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: Enrol a learner")
    walk.see("enrol-error")
    assert walk.follow_error_summary("Enter the last name") == "id_last_name"
    page.get_by_label("Last name").fill("Reed")
    page.get_by_role("button", name="Enrol learner").click()

    # The new learner's record: referred, the intake interview still to do.
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Jordan Reed is enrolled.")
    expect(page.get_by_test_id("intake-due")).to_contain_text("has not been held")
    walk.see("enrolled")
    learner = Learner.objects.get(prison_number="A7788ZT")
    assert learner.course_status == CourseStatus.REFERRED

    page.get_by_test_id("intake-due").get_by_role(
        "link", name="Record the intake interview"
    ).click()

    # The interview, one topic per page (issue 17 item 4). A mistake first: no date.
    expect(heading(page)).to_have_text("Date of the interview")
    expect(page.get_by_test_id("step-indicator")).to_contain_text("step 1 of 9")
    walk.see("intake-1-date")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(1)
    # GOV.UK Frontend moves the focus to the one error summary.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert page.title().startswith("Error: Date of the interview")
    walk.see("intake-1-error")
    assert walk.follow_error_summary("Enter the date of the interview") == "id_held_on_0"
    fill_date(page, "Date of the interview", today)
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Education, work and coding")
    walk.see("intake-2-education")
    page.get_by_label("Coding and digital experience").fill("Some Python from a library book.")
    # By keyboard: Enter in a text field does not submit a textarea, so Tab to the button.
    page.get_by_label("Coding and digital experience").press("Tab")
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Ambitions and aspirations")
    walk.see("intake-3-ambitions")
    page.get_by_label("Ambitions and aspirations, in their words").fill(
        "Build websites for small businesses."
    )
    page.get_by_role("button", name="Save and continue").click()
    for title in (
        "Learning support",
        "Priorities beyond learning",
        "Health, recovery and offending behaviour",
        "Release planning",
    ):
        expect(heading(page)).to_have_text(title)
        walk.see()
        page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("First goals")
    walk.see("intake-8-goals")
    goal = page.get_by_role("group", name="Goal 1", exact=True)
    goal.get_by_label("Goal", exact=True).fill("Publish a personal website")
    fill_date(goal, "Target date", today + dt.timedelta(weeks=12))
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Consents")
    walk.see("intake-9-consents")
    page.get_by_label("Share the resettlement plan with the prison's OMU", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date consent was given to share the resettlement plan with the prison's OMU"
    )
    walk.see("intake-9-error")
    fill_date(
        page, "Date consent given to share the resettlement plan with the prison's OMU", today
    )
    page.get_by_role("button", name="Save and continue").click()

    # Check your answers, change one, and save. Nothing is recorded before this.
    expect(heading(page)).to_have_text("Check your answers")
    walk.see("intake-check")
    assert not IntakeInterview.objects.filter(learner=learner).exists()
    page.get_by_role("link", name="Change ambitions and aspirations").click()
    expect(heading(page)).to_have_text("Ambitions and aspirations")
    walk.see()
    page.get_by_label("Work in tech").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(heading(page)).to_have_text("Check your answers")
    expect(page.get_by_test_id("check-ambitions")).to_contain_text("Work in tech")
    expect(page.get_by_test_id("check-goals")).to_contain_text("Publish a personal website")
    walk.see()
    page.get_by_role("button", name="Save the intake interview").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The intake interview is saved."
    )
    expect(heading(page)).to_have_text("Jordan Reed: intake interview")
    walk.see("intake-saved")

    # The caseload shows the learner active, with the first review 12 weeks on.
    page.get_by_role("link", name="Caseload", exact=True).click()
    row = page.get_by_test_id("caseload").get_by_role("row").filter(has_text="A7788ZT")
    expect(row).to_contain_text("Reed, Jordan")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Tom Tutor")
    expect(row).to_contain_text(short_date(today + REVIEW_INTERVAL))
    walk.see("caseload")
    walk.sign_out()

    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.ACTIVE
    assert learner.intake_completed_on == today
    assert learner.next_review_due_on == today + REVIEW_INTERVAL
    assert learner.goals.get().description == "Publish a personal website"
    assert learner.intake.ambition_categories == ["tech_work"]
    assert learner.consents.get().kind == "share_with_omu"
    actions = set(
        AuditEvent.objects.filter(learner_ref=learner.pk, actor=manager).values_list(
            "action", flat=True
        )
    )
    assert {"learner.create", "intake.create"} <= actions


def test_tutor_records_completions_and_a_review_from_the_work_queue(
    browser_page, live_world, artifacts
):
    records = tutor_records(live_world)
    page, tutor = browser_page, live_world.users[Who.TUTOR]
    learner, today = records.due, timezone.localdate()
    walk = Walk(page, artifacts)
    walk.sign_in(tutor)

    # The work queue on the home page lists the learner whose review is due.
    queue = page.get_by_test_id("queue-reviews")
    due_row = queue.get_by_role("row").filter(has_text=learner.display_name)
    expect(due_row).to_contain_text(short_date(learner.next_review_due_on))
    expect(due_row).to_contain_text("Due")
    expect(queue).not_to_contain_text(records.classmate.display_name)

    due_row.get_by_role("link", name=learner.display_name).click()
    expect(heading(page)).to_have_text("Progress reviews")
    walk.see()
    page.get_by_role("link", name="Learning", exact=True).click()
    expect(heading(page)).to_have_text("Learning")
    walk.see()

    # After the class: both learners completed the first module.
    page.get_by_role("link", name="Record completions for a class").click()
    expect(heading(page)).to_have_text("Record completions for a class")
    walk.see("class-checklist")
    page.get_by_label("Module").select_option(
        label=f"Web foundations: {records.module_title}, foundation (required)"
    )
    page.get_by_label("What the learners built").fill("A page about their favourite book.")
    learners = page.get_by_role("group", name="Learners who completed it")
    learners.get_by_label(learner.display_name, exact=False).check()
    learners.get_by_label(records.classmate.display_name, exact=False).check()
    page.get_by_role("button", name="Record completions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{records.module_title}: 2 completion(s) recorded."
    )
    walk.see("completions-recorded")

    # Back to the work queue, and the review.
    page.get_by_role("link", name="Home", exact=True).click()
    walk.see()
    page.get_by_test_id("queue-reviews").get_by_role("link", name=learner.display_name).click()
    walk.see()
    page.get_by_role("button", name="Start a review").click()
    expect(heading(page)).to_have_text("Progress review")
    expect(page.get_by_test_id("completions-since")).to_contain_text(
        f"Web foundations: {records.module_title}"
    )
    walk.see("review")

    # A mistake: completing the review without the attendance.
    fill_date(page, "Date held", today)
    page.get_by_label("Who took part").fill(f"{learner.display_name}, {tutor.full_name}")
    page.get_by_label("Progress since the last review").fill(
        "Finished the first web module and helped a classmate."
    )
    page.get_by_label("Green: on track").check()
    skills = page.get_by_role("group", name="Employability skills: how confident is the learner?")
    for group in skills.get_by_role("group").all():
        group.get_by_label("Quite confident").check()
    page.get_by_label("The learner's own words").fill("I want to build a site for my family.")
    page.get_by_role("button", name="Complete review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: Progress review")
    walk.see("review-error")
    assert walk.follow_error_summary("Choose the learner's attendance").startswith("id_attendance")
    page.get_by_label("Attended most sessions").check()
    page.get_by_role("button", name="Complete review").click()

    # The next review is twelve weeks from today.
    next_due = today + REVIEW_INTERVAL
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review completed.")
    expect(page.get_by_test_id("review-schedule")).to_contain_text(long_date(next_due))
    expect(page.get_by_test_id("reviews-table")).to_contain_text(short_date(today))
    walk.see("review-completed")
    walk.sign_out()

    assert (
        ModuleCompletion.objects.filter(
            module__title=records.module_title, learner__in=[learner, records.classmate]
        ).count()
        == 2
    )
    review = Review.objects.get(learner=learner)
    assert (review.status, review.held_on, review.attendance) == (
        ReviewStatus.COMPLETE,
        today,
        "most",
    )
    assert review.skill_ratings.count() == len(Skill)
    learner.refresh_from_db()
    assert learner.next_review_due_on == next_due


def test_omu_updates_a_prison_action_on_a_shared_plan(browser_page, live_world, artifacts):
    records = omu_records(live_world)
    page, omu = browser_page, live_world.users[Who.OMU]
    learner = records.consenting
    walk = Walk(page, artifacts)
    walk.sign_in(omu)

    # Only the learner who consented has a shared plan on the home page.
    shared = page.get_by_test_id("shared-plans")
    expect(shared).to_contain_text(learner.display_name)
    expect(shared).not_to_contain_text(records.not_consenting.display_name)

    shared.get_by_role("link", name=learner.display_name).click()
    expect(heading(page)).to_have_text("Resettlement plan")
    accommodation = page.get_by_test_id("pathway-accommodation")
    prison_action = accommodation.get_by_test_id("action").filter(
        has_text=records.prison_action.description
    )
    code4000_action = accommodation.get_by_test_id("action").filter(
        has_text=records.code4000_action.description
    )
    expect(prison_action).to_contain_text("Owner: Prison (Housing officer)")
    # Actions other organisations own are for reading only.
    expect(code4000_action.get_by_role("link", name="Add an update")).to_have_count(0)
    expect(page.get_by_role("link", name="Change status")).to_have_count(0)
    walk.see("shared-plan")

    prison_action.get_by_role("link", name="Add an update").click()
    expect(heading(page)).to_have_text("Add an update to an action")
    expect(page.get_by_text(records.prison_action.description)).to_be_visible()
    walk.see("action-update")

    # A mistake: the update itself is left out.
    page.get_by_role("button", name="Add update").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    walk.see("action-update-error")
    assert walk.follow_error_summary("Enter the update") == "id_text"
    update = "Assessment booked for next Tuesday with the housing officer."
    page.get_by_label("Update", exact=True).fill(update)
    page.get_by_role("button", name="Add update").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Update added.")
    expect(prison_action).to_contain_text(update)
    expect(prison_action).to_contain_text(omu.full_name)
    walk.see("action-updated")

    # The learner who has not consented: their plan is not found.
    response = page.goto(reverse("resettlement:plan", kwargs={"pk": records.not_consenting.pk}))
    assert response is not None and response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text(records.not_consenting.last_name)
    walk.see("not-consenting-not-found")
    page.get_by_role("link", name="Go to your home page").click()
    walk.see()
    walk.sign_out()

    saved = ActionUpdate.objects.get(action=records.prison_action)
    assert (saved.text, saved.author) == (update, omu)
    assert not ActionUpdate.objects.filter(action=records.code4000_action).exists()
    assert not AuditEvent.objects.filter(
        actor=omu, learner_ref=records.not_consenting.pk, action="resettlement.page.view"
    ).exists()


def test_regional_manager_releases_one_learner_and_transfers_another(
    browser_page, live_world, artifacts
):
    """Issue 12: custody status moves through the release workflow (the status page
    leads there), and a transfer hands the learner to the new prison's staff."""
    page, manager = browser_page, live_world.users[Who.RM]
    leaving = enrolled_with_intake(
        live_world,
        first_name="Sam",
        last_name="Leaver",
        prison_number="L1001AA",
        intake_days_ago=30,
    )
    moving = enrolled_with_intake(
        live_world,
        first_name="Alex",
        last_name="Mover",
        prison_number="M1001AA",
        intake_days_ago=30,
    )
    today = timezone.localdate()
    walk = Walk(page, artifacts)
    walk.sign_in(manager)

    # The custody status page does not release: it leads to the release page.
    page.get_by_role("link", name="Caseload", exact=True).click()
    walk.see()
    page.get_by_role("link", name="Leaver, Sam").click()
    walk.see()
    page.get_by_role("link", name="Change custody status").click()
    expect(heading(page)).to_have_text("Change the custody status")
    expect(page.get_by_role("radio")).to_have_count(0)
    walk.see("custody-status-leads-to-release")
    page.get_by_role("link", name="release page").click()
    expect(heading(page)).to_have_text("Release and outcomes")
    walk.see()
    page.get_by_role("link", name="Record a release").click()
    walk.see("release-form")

    # A mistake: no release area.
    fill_date(page, "Release date", today)
    page.get_by_label("Licence").check()
    page.get_by_role("button", name="Record release").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    walk.see("release-error")
    page.get_by_label("Release area").fill("Leeds")
    page.get_by_role("button", name="Record release").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Release recorded")
    walk.see("released")
    leaving.refresh_from_db()
    assert leaving.custody_status == CustodyStatus.RELEASED
    assert leaving.next_review_due_on is None
    assert leaving.releases.get().follow_ups.count() == 5

    # A transfer: the record goes to the other prison and its regional manager.
    page.get_by_role("link", name="Caseload", exact=True).click()
    walk.see()
    page.get_by_role("link", name="Mover, Alex").click()
    walk.see()
    page.get_by_role("link", name="Transfer to another prison").click()
    expect(heading(page)).to_have_text("Transfer to another prison")
    walk.see("transfer")
    page.get_by_label("Prison the learner moved to").select_option(label=live_world.prison.name)
    fill_date(page, "Date of transfer", today)
    page.get_by_label("Reason for the transfer").fill("Closer to family")
    page.get_by_role("button", name="Record transfer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a different prison from the current one"
    )
    walk.see("transfer-error")
    page.get_by_label("Prison the learner moved to").select_option(
        label=live_world.other_prison.name
    )
    page.get_by_role("button", name="Record transfer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Alex Mover is transferred to {live_world.other_prison.name}."
    )
    walk.see("transferred")
    walk.sign_out()

    moving.refresh_from_db()
    assert moving.prison == live_world.other_prison
    assert moving.regional_manager == live_world.users[Who.OTHER_PRISON]
    assert moving.tutor is None
