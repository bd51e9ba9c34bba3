"""A graduate's own page (issue 18): modules and graduation, the skills chart,
the resettlement actions they own with their status, and their progress PDF;
nothing restricted, nothing about staff."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from resettlement import services
from resettlement.models import ActionOwner, Pathway
from reviews.models import ModuleCompletion, SkillRating
from tests.clients import StaffClient
from tests.resettlement.self_report_world import birth_post, released_learner, sent_link
from tests.reviews.factories import ModuleFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(prison, regional_manager):
    learner = released_learner(prison, regional_manager)
    learner.graduated_on = timezone.localdate().replace(day=1)
    learner.save()
    return learner


@pytest.fixture
def opened(learner):
    _link, token = sent_link(learner)
    client = StaffClient()
    client.post(reverse("own:start", kwargs={"token": token}), birth_post())
    return client


def test_the_page_shows_modules_graduation_skills_and_the_learners_own_actions(
    opened, learner, regional_manager
):
    module = ModuleFactory(track=TrackFactory(name="Python"), title="Functions and tests")
    completion = ModuleCompletion.objects.create(
        learner=learner,
        module=module,
        completed_on=timezone.localdate(),
        evidence="A quiz app",
        assessed_by=regional_manager,
    )
    SkillRating.objects.create(
        learner=learner, skill="teamwork", rating=3, rated_on=timezone.localdate()
    )
    plan = services.plan_start(actor=regional_manager, learner=learner)
    pathway = plan.pathways.get(pathway=Pathway.FINANCE_ID)
    services.action_add(
        actor=regional_manager,
        pathway=pathway,
        description="Open a bank account",
        owner_organisation=ActionOwner.LEARNER,
    )
    services.action_add(
        actor=regional_manager,
        pathway=pathway,
        description="Staff task about the learner",
        owner_organisation=ActionOwner.CODE4000,
    )
    response = opened.get(reverse("own:progress"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Your progress, {learner.first_name}" in page
    assert "You graduated on" in page
    assert completion.module.title in page
    assert 'data-testid="chart"' in page
    assert "Open a bank account" in page
    assert "Not started" in page
    assert "Staff task about the learner" not in page
    assert regional_manager.full_name not in page
    assert completion.assessed_by.full_name not in page


def test_the_empty_page_says_so(opened):
    page = opened.get(reverse("own:progress")).content.decode()
    assert "No modules completed yet." in page
    assert "No skill ratings recorded yet." in page
    assert "There is nothing in your resettlement plan for you to do." in page


def test_the_progress_pdf_downloads_for_the_learner(opened, learner):
    response = opened.get(reverse("own:progress_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_without_a_session_there_is_no_page(learner):
    for name in ("own:progress", "own:progress_pdf", "own:thanks"):
        assert StaffClient().get(reverse(name)).status_code == 404
