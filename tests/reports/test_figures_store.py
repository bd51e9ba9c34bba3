"""The dashboard's precomputed figures (reports/figures_store.py): equal to the
live computation, kept current by the changes that feed them, read only for the
prisons asked for, and refreshed by a real Celery worker."""

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from code4000.celery import app
from reports.figures import impact_figures
from reports.figures_store import (
    figures_current,
    figures_refresh,
    figures_refresh_all,
    impact_figures_stored,
)
from reports.models import FiguresStale, PrisonDayFigure, PrisonFigures
from resettlement.models import Outcome, OutcomeKind
from tests.factories import LearnerFactory
from tests.reports.world import PERIOD, build_hand_built_world

pytestmark = pytest.mark.django_db

PERIODS = [
    PERIOD,
    (dt.date(2025, 2, 10), dt.date(2025, 8, 20)),
    (dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(2025, 12, 31), dt.date(2025, 12, 31)),
]


@pytest.fixture
def hand_world(prison, other_prison, make_user):
    owner = make_user(Role.TUTOR, [prison])
    return build_hand_built_world(prison, other_prison, owner)


def both(start, end, prisons):
    live = impact_figures(period_start=start, period_end=end, prisons=prisons)
    stored = impact_figures_stored(period_start=start, period_end=end, prisons=prisons)
    return live, stored


@pytest.mark.parametrize("period", PERIODS)
def test_stored_figures_equal_the_live_ones(hand_world, prison, other_prison, period):
    for prisons in ([prison], [other_prison], [prison, other_prison]):
        live, stored = both(*period, prisons)
        assert stored == live
    assert live.released_graduates.released.value > 0  # the world has outcomes to count


def test_a_read_refreshes_a_prison_whose_records_changed(hand_world, prison):
    figures_refresh([prison.pk])
    version = PrisonFigures.objects.get(prison=prison).version
    learner = LearnerFactory(prison=prison, joined_on=dt.date(2025, 3, 1))
    assert FiguresStale.objects.filter(prison=prison).exists()
    live, stored = both(*PERIOD, [prison])
    assert stored == live
    assert stored.new_starters.value == 7  # the hand-built world has 6
    assert not FiguresStale.objects.filter(prison=prison).exists()
    assert PrisonFigures.objects.get(prison=prison).version > version
    # A record written without a journey event (an outcome corrected) marks it too.
    figures_refresh([prison.pk])
    outcome = Outcome.objects.filter(learner__prison=prison).first()
    outcome.kind = (
        OutcomeKind.LOST_CONTACT
        if outcome.kind != OutcomeKind.LOST_CONTACT
        else (OutcomeKind.TRAINING)
    )
    outcome.save()
    assert FiguresStale.objects.filter(prison=prison).exists()
    live, stored = both(*PERIOD, [prison])
    assert stored == live
    learner.delete()
    live, stored = both(*PERIOD, [prison])
    assert stored == live


def test_a_transfer_refreshes_both_prisons(hand_world, prison, other_prison, make_user):
    from learners.services import learner_transfer

    manager = make_user(Role.REGIONAL_MANAGER, [prison, other_prison])
    figures_refresh_all()
    learner = hand_world.graduates[0]
    learner_transfer(
        actor=manager,
        learner=learner,
        to_prison=other_prison,
        transferred_on=timezone.localdate(),
        reason="Moved",
    )
    marked = set(FiguresStale.objects.values_list("prison_id", flat=True))
    assert {prison.pk, other_prison.pk} <= marked
    for prisons in ([prison], [other_prison]):
        live, stored = both(*PERIOD, prisons)
        assert stored == live


def test_only_the_prisons_asked_for_are_read(hand_world, prison, other_prison):
    figures_refresh_all()
    stored = impact_figures_stored(period_start=PERIOD[0], period_end=PERIOD[1], prisons=[prison])
    assert [p.pk for p in stored.prisons] == [prison.pk]
    other = impact_figures(period_start=PERIOD[0], period_end=PERIOD[1], prisons=[other_prison])
    both_prisons = impact_figures(
        period_start=PERIOD[0], period_end=PERIOD[1], prisons=[prison, other_prison]
    )
    # Risley's released graduate in tech work is not counted at Humber.
    assert other.released_graduates.released.value > 0
    assert (
        stored.released_graduates.released.value
        == both_prisons.released_graduates.released.value - other.released_graduates.released.value
    )


def test_reading_takes_the_same_number_of_queries_at_two_sizes(
    prison, django_assert_max_num_queries
):
    def run():
        impact_figures_stored(period_start=PERIOD[0], period_end=PERIOD[1], prisons=[prison])

    LearnerFactory(prison=prison, joined_on=dt.date(2025, 2, 1))
    figures_refresh([prison.pk])
    with django_assert_max_num_queries(5):
        run()
    LearnerFactory.create_batch(30, prison=prison, joined_on=dt.date(2025, 2, 1))
    figures_refresh([prison.pk])
    with django_assert_max_num_queries(5):
        run()
    assert PrisonDayFigure.objects.filter(prison=prison).exists()


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_the_stale_prisons(prison):
    from reports.tasks import figures_refresh_stale_task

    with transaction.atomic():
        LearnerFactory(prison=prison, joined_on=dt.date(2025, 2, 1))
    assert FiguresStale.objects.filter(prison=prison).exists()
    app.loader.import_default_modules()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
        figures_refresh_stale_task.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and FiguresStale.objects.filter(prison=prison).exists():
            time.sleep(0.5)
    assert not FiguresStale.objects.filter(prison=prison).exists()
    state = PrisonFigures.objects.get(prison=prison)
    assert state.version >= 1
    # The worker's refresh is what a read finds: nothing left to work out.
    assert figures_current([prison.pk]) == {
        prison.pk: (state.version, state.active, state.refreshed_at.isoformat())
    }
    assert PrisonFigures.objects.get(prison=prison).version == state.version
    assert PrisonDayFigure.objects.get(prison=prison, measure="starters").value == 1


# -- the dashboard's figures, kept in the cache per parameters and data version


def dashboard(prisons, *, exact=False):
    from reports.services import dashboard_figures

    return dashboard_figures(
        period_start=PERIOD[0], period_end=PERIOD[1], prisons=prisons, exact=exact
    )


def fresh(prisons, *, exact=False):
    from reports.services import figures_for_screen

    live = impact_figures(period_start=PERIOD[0], period_end=PERIOD[1], prisons=prisons)
    return figures_for_screen(live, exact=exact)


def test_the_dashboard_keeps_its_figures_until_the_data_changes(
    hand_world, prison, django_assert_max_num_queries
):
    first = dashboard([prison])
    assert first == fresh([prison])
    # Asked again with nothing changed: the kept result, without the guard's reads.
    with django_assert_max_num_queries(3):
        again = dashboard([prison])
    assert again == first
    # Five more starters: the kept result is not reused.
    LearnerFactory.create_batch(5, prison=prison, joined_on=dt.date(2025, 6, 1))
    changed = dashboard([prison])
    assert changed == fresh([prison])
    assert changed.row("new_starters").value.number != first.row("new_starters").value.number
    # The exact figures are kept apart from the released ones.
    assert dashboard([prison], exact=True) == fresh([prison], exact=True)
    assert dashboard([prison], exact=True).exact and not dashboard([prison]).exact


def test_a_new_release_is_never_answered_from_the_cache(hand_world, prison, director):
    from django.core.cache import cache

    from reports.models import PublishedKind
    from reports.services import _dashboard_cache_key, figures_release

    dashboard([prison])
    current = figures_current([prison.pk])
    key = _dashboard_cache_key(
        exact=False, period_start=PERIOD[0], period_end=PERIOD[1], prisons=[prison], current=current
    )
    # Mark what is kept, to see whether a later read takes it.
    cache.set(key, "kept before the release")
    assert dashboard([prison]) == "kept before the release"
    figures_release(
        figures=impact_figures(
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 6, 30), prisons=[prison]
        ),
        kind=PublishedKind.IMPACT_CSV,
        actor=director,
    )
    after = dashboard([prison])
    # Checked again against the new release, exactly as if nothing were kept.
    assert after != "kept before the release"
    assert after == fresh([prison])
