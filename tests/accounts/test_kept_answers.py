"""No lost work on a timeout: a form posted after the session ended keeps its
answers, and they come back in the form after signing in again (issue 17, item 10)."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.kept_answers import KEEP_SECONDS, RESTORED_MESSAGE, keep_answers
from learners.models import CourseStatus, IntakeDraft, IntakeInterview
from tests.clients import StaffClient
from tests.factories import TEST_PASSWORD, LearnerFactory
from tests.learners.test_intake import step_data, step_url
from tests.otp import totp_code_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referred(prison, tutor):
    return LearnerFactory(
        prison=prison,
        tutor=tutor,
        course_status=CourseStatus.REFERRED,
        joined_on=timezone.localdate() - dt.timedelta(days=20),
    )


def sign_in(client, user, next_url):
    """Both steps of the real sign-in, as a person does it, back to next_url."""
    response = client.post(
        reverse("accounts:sign_in") + "?" + urlsplit(next_url).query,
        {"username": user.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302, response.content
    code_page = response["Location"]
    target = parse_qs(urlsplit(code_page).query)["next"][0]
    response = client.post(code_page, {"code": totp_code_for(user), "next": target})
    assert response.status_code == 302
    return response["Location"]


def post_after_the_idle_timeout(client, clock, user, url, data):
    client.force_login(user)
    assert client.get(url).status_code == 200
    clock.tick(dt.timedelta(minutes=45))  # typing for longer than the 30-minute limit
    return client.post(url, data)


def test_an_intake_typed_past_the_idle_timeout_comes_back_after_signing_in(
    regional_manager, referred
):
    # One step of the interview in steps: the answers of the page typed on.
    url = step_url(referred, "priorities")
    today = timezone.localdate()
    answers = step_data(today)["priorities"]
    with freeze_time() as clock:
        client = StaffClient()
        response = post_after_the_idle_timeout(client, clock, regional_manager, url, answers)
        assert response.status_code == 302
        to_sign_in = response["Location"]
        assert to_sign_in.startswith(reverse("accounts:sign_in"))
        assert "Hull" not in to_sign_in  # the answers never travel in a URL
        assert not IntakeInterview.objects.filter(learner=referred).exists()

        assert sign_in(client, regional_manager, to_sign_in) == url
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200
        assert RESTORED_MESSAGE in html
        assert "Needs an address in Hull" in html
        # Shown again, not saved: the person checks and saves.
        assert not IntakeDraft.objects.filter(learner=referred).exists()
        assert not IntakeInterview.objects.filter(learner=referred).exists()

        # Once only: a second visit shows the step as saved (empty), with no message.
        again = client.get(url).content.decode()
        assert RESTORED_MESSAGE not in again
        assert "Needs an address in Hull" not in again

        assert client.post(url, answers).status_code == 302
        draft = IntakeDraft.objects.get(learner=referred, author=regional_manager)
        assert draft.answers["priorities"]["priorities_notes"] == "Needs an address in Hull"


def test_someone_else_signing_in_on_that_browser_does_not_get_the_answers(
    regional_manager, make_user, prison, referred
):
    from accounts.models import Role

    colleague = make_user(role=Role.REGIONAL_MANAGER, prisons=[prison])
    url = step_url(referred, "priorities")
    with freeze_time() as clock:
        client = StaffClient()
        response = post_after_the_idle_timeout(
            client, clock, regional_manager, url, step_data(timezone.localdate())["priorities"]
        )
        assert sign_in(client, colleague, response["Location"]) == url
        html = client.get(url).content.decode()
        assert RESTORED_MESSAGE not in html
        assert "Needs an address in Hull" not in html


def test_answers_are_kept_for_hours_not_for_ever(regional_manager, referred):
    url = step_url(referred, "priorities")
    with freeze_time() as clock:
        client = StaffClient()
        response = post_after_the_idle_timeout(
            client, clock, regional_manager, url, step_data(timezone.localdate())["priorities"]
        )
        clock.tick(dt.timedelta(seconds=KEEP_SECONDS + 60))
        sign_in(client, regional_manager, response["Location"])
        assert RESTORED_MESSAGE not in client.get(url).content.decode()


def test_passwords_codes_and_tokens_are_never_kept(rf, regional_manager):
    request = rf.post(
        "/somewhere/",
        {
            "notes": "kept",
            "password": "x",
            "new_password1": "x",
            "code": "123456",
            "csrfmiddlewaretoken": "t",
            "reset_token": "t",
        },
    )
    assert keep_answers(request, user_id=regional_manager.pk)
    get = rf.get("/somewhere/")
    get.user = regional_manager
    get._messages = type("M", (), {"add": lambda *a, **k: None})()
    from accounts.kept_answers import restored_answers

    assert dict(restored_answers(get).lists()) == {"notes": ["kept"]}


def test_a_post_from_a_browser_that_never_signed_in_keeps_nothing(regional_manager, referred):
    url = step_url(referred, "priorities")
    client = StaffClient()
    response = client.post(url, step_data(timezone.localdate())["priorities"])
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    client.force_login(regional_manager)
    assert RESTORED_MESSAGE not in client.get(url).content.decode()


def test_a_progress_review_typed_past_the_idle_timeout_comes_back_too(tutor, learner):
    from reviews.models import Review
    from tests.reviews.test_views import _review_post

    learner.tutor = tutor
    learner.intake_completed_on = timezone.localdate() - dt.timedelta(days=30)
    learner.save()
    with freeze_time() as clock:
        client = StaffClient()
        client.force_login(tutor)
        client.post(reverse("reviews:review_start", args=[learner.pk]))
        review = Review.objects.get()
        url = reverse("reviews:review_edit", args=[learner.pk, review.pk])
        response = post_after_the_idle_timeout(
            client, clock, tutor, url, _review_post(1, progress="Built a quiz game in Python")
        )
        assert sign_in(client, tutor, response["Location"]) == url
        html = client.get(url).content.decode()
        assert RESTORED_MESSAGE in html
        assert "Built a quiz game in Python" in html
        review.refresh_from_db()
        assert review.progress == ""
