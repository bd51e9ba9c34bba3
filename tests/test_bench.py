"""`make bench` is too slow for CI; this runs its seeding, timing and report code
at a tiny scale so it cannot rot."""

import pytest

from benchmarks import national, pages

pytestmark = pytest.mark.django_db


def test_the_bench_seeds_times_every_key_page_and_writes_its_report(settings, tmp_path):
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.DEBUG = False

    national.seed(scale=0.0025, log=lambda line: None)
    counts = national.counts_now()
    assert counts["learners"] == 50
    assert counts["reviews"] > 100
    # 2,500 seeded, plus the rows that creating staff and prisons writes (audit.configuration).
    assert 2500 <= counts["audit_events"] < 2600

    world = pages.bench_world()
    key_pages = pages.key_pages(world)
    clients = pages.signed_in_clients(world)
    timings = pages.time_pages(key_pages, clients, rounds=2)  # refuses any status but 200
    assert {t.page.kind for t in timings} >= {"bare", "anchor", "simplest", "key", "dashboard"}
    assert all(len(t.times_ms) == 2 and t.queries > 0 for t in timings if t.page.kind != "bare")

    run = pages.markdown(
        command="make bench --scale 0.0025",
        counts=counts,
        seed_seconds=1.0,
        refresh=(40, 0.1),
        timings=timings,
        loads=[],
        rounds=2,
        load_seconds=0,
        started_load=pages.load_average(),
    )
    report = tmp_path / "performance.md"
    pages.write_report(run, report)
    pages.write_report(run, report)
    text = report.read_text()
    assert text.count("### Run of ") == 2
    assert "| Django admin learner changelist (anchor) |" in text
    assert "Load average at the start" in text


def test_the_bench_leaves_the_projects_admin_site_without_learner_data():
    """The bench's anchor lives on an admin site of its own: importing its URLs must
    not register learners on the project's site (other tests render its index)."""
    import importlib

    from django.contrib import admin

    from learners.models import Learner

    importlib.import_module("benchmarks.urls")
    assert not admin.site.is_registered(Learner)
