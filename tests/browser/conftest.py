"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against
pytest-django's live server on PostgreSQL.

One Chromium is started for the whole browser package and closed when its last
test ends. Each test gets a fresh browser context (no cookies carried over) and a
fresh database (the live server needs a transactional database, emptied with
TRUNCATE after each test, which the audit table's append-only triggers allow).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from audit.models import AuditEvent
from tests.world import World

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def chromium() -> Iterator:
    """Chromium for the whole browser package.

    Playwright's sync API keeps an asyncio loop running in this thread, so Django
    would refuse database calls from the test code ("async context"): they are
    allowed while the browser runs, and the guard is restored afterwards.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (make test does).")
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `make static` (it installs the npm packages).")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def artifacts(request) -> Path:
    """A folder for this test's screenshots, under test-artifacts/ (git-ignored)."""
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


def new_page(chromium, base_url: str | None = None):
    """A page in a fresh browser context (no cookies), with axe-core loaded in every
    document: added as an init script through the DevTools protocol, so a strict
    Content-Security-Policy does not block it as it would an inline <script>."""
    context = chromium.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.add_init_script(script=AXE_SOURCE.read_text(encoding="utf-8"))
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def open_page(chromium, live_server):
    """Opens pages on the live server, each in its own context (one per person)."""
    pages = []

    def open_one():
        pages.append(new_page(chromium, live_server.url))
        return pages[-1]

    yield open_one
    for page in pages:
        page.context.close()


@pytest.fixture
def browser_page(open_page):
    return open_page()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A million PBKDF2 rounds per password is the point in production and a few
    seconds per test here (every user made, every sign-in): the browser tests are
    about pages, so they hash quickly. The live server shares these settings."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def live_world(transactional_db) -> World:
    """The route-matrix world (every role, two prisons, learners), in a database the
    live server's thread can see.

    Each browser test writes audit events (every sign-in does), and the audit table
    refuses UPDATE and DELETE: the check below shows Django's flush (TRUNCATE on
    PostgreSQL) still empties it between tests."""
    assert not AuditEvent.objects.exists(), "the last browser test's audit events are still here"
    return World.build()


_SCAN_COUNTS = pytest.StashKey[dict]()


@pytest.fixture
def scan_counts(pytestconfig) -> dict[str, int]:
    """Pages scanned, by kind of user, printed at the end of the run."""
    return pytestconfig.stash.setdefault(_SCAN_COUNTS, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(_SCAN_COUNTS, {})
    if counts:
        by_user = ", ".join(f"{who} {count}" for who, count in counts.items())
        terminalreporter.write_line(
            f"Accessibility scan: {sum(counts.values())} pages scanned ({by_user})"
        )
