"""Outcome follow-ups: several outcomes at once, errors, overdue, and the
set-based count the reports use."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from resettlement import services
from resettlement.models import FollowUp, Outcome
from resettlement.outcomes import latest_follow_up_ids, outcome_counts
from tests.factories import LearnerFactory


def _url(follow_up):
    return reverse(
        "resettlement:follow_up_record",
        kwargs={"pk": follow_up.learner_id, "follow_up_pk": follow_up.pk},
    )


def _first(learner):
    return FollowUp.objects.filter(learner=learner).order_by("months").first()


def test_several_outcomes_in_one_follow_up(client, regional_manager, released):
    follow_up = _first(released)
    client.force_login(regional_manager)
    today = timezone.localdate()
    response = client.post(
        _url(follow_up),
        {
            "confirmed_on": today.isoformat(),
            "source": "employer",
            "kinds": ["employed_tech", "education", "volunteering"],
            "role": "Junior developer",
            "employer_name": "Humber Digital",
            "tech_level": "junior",
            "started_on": (today - dt.timedelta(days=3)).isoformat(),
            "detail": "Open University",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.confirmed_on == today
    assert follow_up.source == "employer"
    rows = {row.kind: row for row in Outcome.objects.filter(follow_up=follow_up)}
    assert set(rows) == {"employed_tech", "education", "volunteering"}
    assert rows["employed_tech"].role == "Junior developer"
    assert rows["employed_tech"].tech_level == "junior"
    assert rows["employed_tech"].detail == ""
    assert rows["education"].detail == "Open University"
    assert all(row.confirmed_on == today and row.learner_id == released.pk for row in rows.values())
    page = client.get(
        reverse("resettlement:release_overview", kwargs={"pk": released.pk})
    ).content.decode()
    assert "Junior developer at Humber Digital" in page
    # Recording again replaces the outcomes.
    client.post(
        _url(follow_up),
        {"confirmed_on": today.isoformat(), "source": "learner", "kinds": ["lost_contact"]},
    )
    assert list(follow_up.outcomes.values_list("kind", flat=True)) == ["lost_contact"]


def test_follow_up_form_errors(client, regional_manager, released):
    follow_up = _first(released)
    client.force_login(regional_manager)
    response = client.post(_url(follow_up), {"confirmed_on": "2999-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date confirmed must be today or in the past" in page
    assert "Select who confirmed the outcomes" in page
    assert "Select at least one outcome" in page
    response = client.post(
        _url(follow_up),
        {
            "confirmed_on": timezone.localdate().isoformat(),
            "source": "learner",
            "kinds": ["employed_tech", "lost_contact"],
        },
    )
    page = response.content.decode()
    assert "Enter the tech role" in page
    assert "Enter the tech employer" in page
    assert "Select the level of the tech role" in page
    assert "Lost contact cannot be recorded with another outcome" in page
    response = client.post(
        _url(follow_up),
        {"confirmed_on": "2000-01-01", "source": "learner", "kinds": ["volunteering"]},
    )
    assert "on or after the release date" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.confirmed_on is None
    assert not Outcome.objects.exists()


def test_follow_up_of_another_learner_is_404(client, regional_manager, released, prison):
    other = LearnerFactory(prison=prison)
    client.force_login(regional_manager)
    url = reverse(
        "resettlement:follow_up_record",
        kwargs={"pk": other.pk, "follow_up_pk": _first(released).pk},
    )
    assert client.get(url).status_code == 404


def test_overdue_follow_ups_on_the_rm_home_page(client, regional_manager, tutor, omu, released):
    # Released 45 days ago: the 1-month follow-up is overdue.
    client.force_login(regional_manager)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="overdue-follow-ups"' in page
    assert released.prison_number in page
    assert _url(_first(released)) in page
    for user in (tutor, omu):
        client.force_login(user)
        assert (
            'data-testid="overdue-follow-ups"' not in client.get(reverse("home")).content.decode()
        )
    services.follow_up_record(
        actor=regional_manager,
        follow_up=_first(released),
        confirmed_on=timezone.localdate(),
        source="learner",
        outcomes=[{"kind": "not_in_activity"}],
    )
    client.force_login(regional_manager)
    page = client.get(reverse("home")).content.decode()
    assert "No follow-up is overdue." in page


def test_outcome_shares_at_latest_follow_up_in_two_queries(
    regional_manager, prison, django_assert_num_queries
):
    today = timezone.localdate()

    def release(days_ago):
        learner = LearnerFactory(prison=prison)
        services.release_record(
            actor=regional_manager,
            learner=learner,
            released_on=today - dt.timedelta(days=days_ago),
            release_type="licence",
            area="Hull",
        )
        return learner

    def record(learner, months, days_ago, *kinds):
        follow_up = FollowUp.objects.get(learner=learner, months=months)
        services.follow_up_record(
            actor=regional_manager,
            follow_up=follow_up,
            confirmed_on=today - dt.timedelta(days=days_ago),
            source="learner",
            outcomes=[
                {"kind": kind, "role": "Dev", "employer_name": "X", "tech_level": "junior"}
                if kind == "employed_tech"
                else {"kind": kind}
                for kind in kinds
            ],
        )

    a, b, c = release(200), release(200), release(10)
    record(a, 1, 160, "not_in_activity")
    record(a, 3, 100, "employed_tech", "volunteering")  # latest for a
    record(b, 1, 150, "training")  # latest for b
    with django_assert_num_queries(2):
        latest = latest_follow_up_ids()
        counts = outcome_counts(latest)
        total = latest.count()
    assert counts == {"employed_tech": 1, "volunteering": 1, "training": 1}
    assert total == 2
    assert c.pk  # released, nothing recorded yet: not in the denominator


def test_returned_to_custody_outcome_needs_the_return_recorded(client, regional_manager, released):
    follow_up = _first(released)
    client.force_login(regional_manager)
    response = client.post(
        _url(follow_up),
        {
            "confirmed_on": timezone.localdate().isoformat(),
            "source": "probation",
            "kinds": ["returned_to_custody"],
        },
    )
    assert "Record the return to custody first" in response.content.decode()
    assert not Outcome.objects.exists()
