"""The security suite of the pages for learners themselves (issue 18): token
guessing, reuse, expiry, enumeration, nothing before the date-of-birth check,
limited wrong dates of birth, CSRF, no staff session needed and no staff data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from resettlement import self_reports
from resettlement.models import LearnerLink, LinkAttempt, LinkPurpose, SelfReport
from tests.clients import StaffClient
from tests.resettlement.self_report_world import BIRTH, birth_post, released_learner, sent_link

pytestmark = pytest.mark.django_db

ANSWERS = {"kinds": ["training"], "employer_or_course": "", "wants_support": "no"}
REFUSED = "We could not open this link with that date of birth"


def _start(token: str) -> str:
    return reverse("own:start", kwargs={"token": token})


def _body(response) -> str:
    """The page without what differs between two requests (the CSRF token)."""
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.fixture
def learner(prison, regional_manager):
    return released_learner(prison, regional_manager)


@pytest.fixture
def link_and_token(learner):
    return sent_link(learner)


def test_the_link_page_shows_nothing_about_the_learner_before_the_date_of_birth(
    link_and_token, learner
):
    _link, token = link_and_token
    response = StaffClient().get(_start(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm your date of birth" in page
    for personal in (
        learner.first_name,
        learner.last_name,
        learner.prison_number,
        learner.prison.name,
        "1990",
        "Hull",
    ):
        assert personal not in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_unknown_expired_used_and_valid_links_look_the_same_until_answered(learner, link_and_token):
    _link, token = link_and_token
    expired, expired_token = sent_link(
        released_learner(
            learner.prison, learner.regional_manager, first_name="Ash", prison_number="Z9876YX"
        )
    )
    LearnerLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    pages = {_body(StaffClient().get(_start(t))) for t in (token, expired_token, "x" * 43)}
    assert len(pages) == 1
    # And the same refusal for an unknown and an expired link, with the right date.
    unknown = StaffClient().post(_start("y" * 43), birth_post())
    old = StaffClient().post(_start(expired_token), birth_post())
    assert unknown.status_code == old.status_code == 200
    assert _body(unknown) == _body(old)
    assert REFUSED in _body(unknown)
    # A wrong date of birth on a good link looks like an unknown link with that date.
    wrong = StaffClient().post(_start(token), birth_post(day=1))
    unknown = StaffClient().post(_start("y" * 43), birth_post(day=1))
    assert _body(wrong) == _body(unknown)


def test_guessed_tokens_open_nothing_and_are_counted(link_and_token):
    for _ in range(3):
        guess = self_reports.secrets.token_urlsafe(32)
        response = StaffClient().post(_start(guess), birth_post())
        assert REFUSED in response.content.decode()
    assert LinkAttempt.objects.count() == 3
    assert (
        AuditEvent.objects.filter(
            action="resettlement.learner_link.refuse", detail__reason="unknown link"
        ).count()
        == 3
    )


def test_a_link_is_used_once(link_and_token):
    _link, token = link_and_token
    first = StaffClient()
    first.post(_start(token), birth_post())
    assert first.post(reverse("own:report"), ANSWERS).status_code == 302
    # The same session cannot answer again ...
    assert first.post(reverse("own:report"), ANSWERS).status_code == 404
    # ... and the link does not open again, even with the right date of birth.
    again = StaffClient().post(_start(token), birth_post())
    assert REFUSED in again.content.decode()
    assert SelfReport.objects.count() == 1
    assert AuditEvent.objects.filter(
        action="resettlement.learner_link.refuse", detail__reason="used link"
    ).exists()


def test_a_link_expires_thirty_days_after_it_was_sent(link_and_token):
    link, token = link_and_token
    LearnerLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = StaffClient().post(_start(token), birth_post())
    assert REFUSED in response.content.decode()
    assert "own_pages" not in StaffClient().session


def test_wrong_dates_of_birth_lock_the_link_after_five(link_and_token, settings):
    link, token = link_and_token
    client = StaffClient()
    for day in range(1, 6):
        response = client.post(_start(token), birth_post(day=day))
        assert REFUSED in response.content.decode()
    link.refresh_from_db()
    assert link.birth_date_failures == 5
    assert not link.is_usable()
    # Locked: even the right date of birth no longer opens it.
    response = client.post(_start(token), birth_post())
    assert REFUSED in response.content.decode()
    assert client.get(reverse("own:report")).status_code == 404


def test_too_many_failures_from_one_address_are_refused(link_and_token, settings):
    settings.LEARNER_LINK_FAILURES_PER_ADDRESS = 3
    _link, token = link_and_token
    client = StaffClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        client.post(_start("z" * 43), birth_post())
    # Now even the right link and date are refused from this address ...
    response = client.post(_start(token), birth_post())
    assert response.status_code == 429
    assert "too many attempts" in response.content.decode()
    # ... but not from another.
    other = StaffClient(REMOTE_ADDR="198.51.100.7")
    assert other.post(_start(token), birth_post()).status_code == 302


def test_the_date_of_birth_form_needs_a_real_date(link_and_token):
    _link, token = link_and_token
    response = StaffClient().post(_start(token), {"day": "31", "month": "2", "year": "1990"})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "as a real date" in page
    assert "<title>Error: Confirm your date of birth" in page
    response = StaffClient().post(_start(token), {"day": "", "month": "", "year": ""})
    assert "the day, month and year" in response.content.decode()
    # A form error is not a failed attempt.
    assert LinkAttempt.objects.count() == 0


def test_posts_need_the_csrf_token(link_and_token):
    _link, token = link_and_token
    client = Client(enforce_csrf_checks=True)
    assert client.post(_start(token), birth_post()).status_code == 403
    page = client.get(_start(token)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(_start(token), {**birth_post(), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert client.post(reverse("own:report"), ANSWERS).status_code == 403
    assert not SelfReport.objects.exists()


def test_no_staff_session_is_needed_and_a_staff_session_sees_the_same(
    link_and_token, regional_manager
):
    _link, token = link_and_token
    anonymous = StaffClient()
    assert anonymous.post(_start(token), birth_post()).status_code == 302
    assert anonymous.get(reverse("own:report")).status_code == 200
    # A staff member signed in elsewhere gets nothing from their session here.
    staff = StaffClient()
    staff.force_login(regional_manager)
    for name in ("own:report", "own:thanks", "own:progress", "own:progress_pdf"):
        assert staff.get(reverse(name)).status_code == 404, name


def test_the_session_is_renewed_when_the_date_of_birth_matches(link_and_token):
    _link, token = link_and_token
    client = StaffClient()
    client.get(_start(token))
    before = client.session.session_key
    client.post(_start(token), birth_post())
    assert client.session.session_key != before


def test_the_session_ends_after_thirty_minutes(link_and_token, settings):
    _link, token = link_and_token
    client = StaffClient()
    client.post(_start(token), birth_post())
    session = client.session
    session["own_pages"]["until"] = timezone.now().timestamp() - 1
    session.save()
    assert client.get(reverse("own:report")).status_code == 404
    assert client.get(reverse("own:progress")).status_code == 404


def test_the_learner_pages_show_no_staff_data(link_and_token, learner, regional_manager):
    _link, token = link_and_token
    client = StaffClient()
    client.post(_start(token), birth_post())
    pages = [client.get(reverse("own:report")).content.decode()]
    client.post(reverse("own:report"), ANSWERS)
    pages.append(client.get(reverse("own:thanks")).content.decode())
    pages.append(client.get(reverse("own:progress")).content.decode())
    for page in pages:
        assert regional_manager.full_name not in page
        assert regional_manager.email not in page
        assert "Sign out" not in page
        assert learner.prison_number not in page
        assert learner.prison.name not in page
        assert str(BIRTH.year) not in page


def test_every_use_and_failure_is_audited(link_and_token, learner):
    _link, token = link_and_token
    client = StaffClient()
    client.post(_start(token), birth_post(day=2))
    client.post(_start(token), birth_post())
    client.post(reverse("own:report"), ANSWERS)
    client.get(reverse("own:progress"))
    actions = list(
        AuditEvent.objects.filter(learner_ref=learner.pk, action__startswith="resettlement.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "resettlement.learner_link.refuse",
        "resettlement.learner_link.open",
        "resettlement.self_report.submit",
        "resettlement.own_progress.view",
    ]


def test_a_progress_link_is_used_when_it_opens(learner):
    link, token = sent_link(learner, purpose=LinkPurpose.PROGRESS)
    client = StaffClient()
    response = client.post(_start(token), birth_post())
    assert response["Location"] == reverse("own:progress")
    assert client.get(reverse("own:report")).status_code == 404  # not a self-report link
    link.refresh_from_db()
    assert link.used_at is not None
    assert REFUSED in StaffClient().post(_start(token), birth_post()).content.decode()
