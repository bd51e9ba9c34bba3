"""Curriculum pages and the graduation recompute when the required set changes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from learners.models import CourseStatus, TimelineEvent
from reviews import curriculum
from reviews.models import Module
from reviews.services import completion_record
from tests.reviews.factories import ModuleFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def track():
    return TrackFactory(name="Web foundations")


@pytest.fixture
def html(track):
    return ModuleFactory(track=track, title="HTML basics", order=1)


@pytest.fixture
def css(track):
    return ModuleFactory(track=track, title="CSS layout", order=2)


@pytest.fixture
def half_done(learner, tutor, html, css):
    """An active learner who has completed HTML (on a known day) but not CSS."""
    learner.course_status = CourseStatus.ACTIVE
    learner.intake_completed_on = timezone.localdate() - dt.timedelta(days=60)
    learner.save()
    completion_record(
        actor=tutor,
        learner=learner,
        module=html,
        completed_on=timezone.localdate() - dt.timedelta(days=5),
        assessed_by=tutor,
        evidence="A web page",
    )
    learner.refresh_from_db()
    assert learner.course_status == CourseStatus.ACTIVE
    return learner


def test_retiring_the_last_missing_required_module_graduates_the_learner(
    client, administrator, half_done, css
):
    client.force_login(administrator)
    response = client.post(reverse("configuration:module_retire", args=[css.pk]))
    assert response.status_code == 302
    half_done.refresh_from_db()
    assert half_done.course_status == CourseStatus.GRADUATED
    # The graduation date is the day of their last required completion, not today.
    assert half_done.graduated_on == timezone.localdate() - dt.timedelta(days=5)
    assert TimelineEvent.objects.filter(learner=half_done, kind="graduation").count() == 1
    css.refresh_from_db()
    assert css.retired_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="reviews.module.retire", object_id=str(css.pk))


def test_making_a_module_optional_graduates_those_who_did_the_rest(
    client, administrator, half_done, css
):
    client.force_login(administrator)
    client.post(
        reverse("configuration:module_edit", args=[css.pk]),
        {"title": "CSS layout", "level": "foundation", "required_for_graduation": "no", "order": 2},
    )
    half_done.refresh_from_db()
    assert half_done.course_status == CourseStatus.GRADUATED


def test_adding_a_required_module_graduates_nobody_and_keeps_graduates(
    administrator, half_done, track, tutor, css
):
    completion_record(
        actor=tutor,
        learner=half_done,
        module=css,
        completed_on=timezone.localdate(),
        assessed_by=tutor,
        evidence="A layout",
    )
    half_done.refresh_from_db()
    assert half_done.course_status == CourseStatus.GRADUATED
    curriculum.module_add(
        actor=administrator, track=track, title="Accessibility", required_for_graduation=True
    )
    half_done.refresh_from_db()
    assert half_done.course_status == CourseStatus.GRADUATED


def test_the_recompute_is_safe_to_run_twice(administrator, half_done, css):
    Module.objects.filter(pk=css.pk).update(required_for_graduation=False)
    first = curriculum.graduation_recompute_after_required_change(actor=administrator)
    second = curriculum.graduation_recompute_after_required_change(actor=administrator)
    assert first.graduated_ids == (half_done.pk,)
    assert second.graduated_ids == ()
    assert TimelineEvent.objects.filter(learner=half_done, kind="graduation").count() == 1


def test_restoring_a_module_keeps_its_completions(client, administrator, half_done, html):
    client.force_login(administrator)
    Module.objects.filter(pk=html.pk).update(retired_on=timezone.localdate())
    client.post(reverse("configuration:module_restore", args=[html.pk]))
    html.refresh_from_db()
    assert html.retired_on is None
    assert html.completions.filter(learner=half_done).exists()


def test_modules_are_added_in_order_and_bad_input_is_refused(client, administrator, track, html):
    client.force_login(administrator)
    add = reverse("configuration:module_add", args=[track.pk])
    assert client.get(add).context["form"].initial["order"] == 2
    response = client.post(
        add,
        {"title": "html BASICS", "level": "advanced", "required_for_graduation": "yes", "order": 2},
    )
    assert "This track already has a module with this title" in response.content.decode()
    response = client.post(
        add, {"title": "JavaScript", "level": "", "required_for_graduation": "", "order": "x"}
    )
    page = response.content.decode()
    assert "Select the level" in page
    assert "Select whether the module is required to graduate" in page
    assert "Enter the position as a whole number" in page
    assert track.modules.count() == 1


def test_tracks_are_added_and_changed(client, administrator, track):
    client.force_login(administrator)
    client.post(reverse("configuration:track_add"), {"name": "Python", "order": 5})
    python = track.__class__.objects.get(name="Python")
    client.post(
        reverse("configuration:track_edit", args=[python.pk]),
        {"name": "Python", "description": "Scripts and data", "order": 2},
    )
    python.refresh_from_db()
    assert (python.order, python.description) == (2, "Scripts and data")


def test_tutors_cannot_change_the_curriculum(client, tutor, css):
    client.force_login(tutor)
    assert client.post(reverse("configuration:module_retire", args=[css.pk])).status_code == 403
    css.refresh_from_db()
    assert css.retired_on is None


def test_the_curriculum_page_runs_a_fixed_number_of_queries(
    client, administrator, track, html, django_assert_max_num_queries
):
    client.force_login(administrator)
    url = reverse("configuration:curriculum")
    with django_assert_max_num_queries(12):
        client.get(url)
    for n in range(5):
        other = TrackFactory(name=f"Track {n}")
        for m in range(4):
            ModuleFactory(track=other, title=f"Module {m}")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Track 4" in page
