"""Playwright fixtures for the browser tests: Debian's chromium against ``live_server``, an
empty database per test (the plumbing is tests/browser/harness.py, shared with the journeys).

Without /usr/bin/chromium, or without axe-core (``npm ci``; tests/browser/accessibility.py),
the browser tests skip on a workstation and fail in CI (``STEWARD_REQUIRE_SERVICES=true``), so
a missing browser or accessibility check never passes silently there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.harness import (
    launched_chromium,
    opened_page,
    pytest_runtest_makereport,  # noqa: F401 - a hook: pytest finds it in this module
    waiting_for_its_requests,
)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One headless chromium for all browser tests (harness.launched_chromium)."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database is set up (so stopped
    before it is dropped) and waiting for its requests when stopped
    (``harness.waiting_for_its_requests``)."""
    return waiting_for_its_requests(live_server)


@pytest.fixture
def page(request, browser, live_server) -> Iterator:
    """A fresh context and page per test against the live server (harness.opened_page)."""
    with opened_page(request, browser, live_server.url) as page:
        yield page
