"""Playwright plumbing shared by the browser tests (tests/browser) and the journeys
(tests/journeys): Debian's chromium (never a downloaded browser), one context per test, the
Content-Security-Policy watch and the page left behind when a test fails.

Each suite's conftest turns these into fixtures: the browser tests serve an empty database
per test through pytest-django's ``live_server``, the journeys the demo organisation loaded
once (tests/journeys/conftest.py).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility import axe_source
from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# how long a step waits for the page before it fails. CI runs four test workers on two
# shared cores, where a page that answers in 1 s here took over 10 s (stop 25's run);
# the wait ends as soon as the page is right, so only a failing step pays for it
TIMEOUT_MS = 20_000 if os.environ.get("CI") else 10_000
FAILURES = Path(
    os.environ.get("STEWARD_BROWSER_ARTIFACTS") or Path(tempfile.gettempdir()) / "steward-browser"
)


@contextlib.contextmanager
def launched_chromium() -> Iterator:
    """One headless chromium; ``launch`` gives it a fresh profile.

    Playwright's sync API keeps an asyncio loop running in this thread for as long as it is
    started, and Django refuses ORM calls (the tests' own, and pytest-django's flush) from a
    thread with a running loop. The test code is plain synchronous code, so
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set exactly while Playwright runs. The fixtures built on
    this are package-scoped (rather than session), which stops Playwright after the suite's
    last test, so no later test or the subprocesses it starts (``check --deploy`` warns about
    the variable) inherit either.
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (STEWARD_REQUIRE_SERVICES is set)", pytrace=False)
        pytest.skip(message)
    axe_source()  # every browser test checks its pages' accessibility: fail or skip up front
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions: on a shared 2-core machine an htmx round trip
    # under the other test worker's load can take longer than Playwright's 5 s default.
    expect.set_options(timeout=TIMEOUT_MS)

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def waiting_for_its_requests(server: Any) -> Any:
    """``server`` (pytest-django's ``LiveServer``), made to wait when stopped for the requests
    its threads still serve. Django's ``ThreadedWSGIServer`` serves each connection in a
    daemon thread, which ``socketserver`` neither tracks nor joins: ``stop()`` returned while
    a page's last request (a panel, a poll) was still running, and its thread closed its
    database connection only after that. On PostgreSQL the flush or the test database's
    ``DROP`` then met it ("being accessed by other users: There is 1 other session").
    Non-daemon, they are joined by ``stop()`` (``server_close``), each ending as its
    browser context's connection closes."""
    server.thread.httpd.daemon_threads = False
    return server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so ``page`` can tell whether the test failed.
    (Each suite's conftest imports this hook.)"""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@contextlib.contextmanager
def opened_page(request, browser, base_url: str, *, viewport: dict | None = None) -> Iterator:
    """A fresh context (own cookies) and page, with URLs relative to ``base_url``.

    When the test fails, a screenshot and the page's HTML are left in ``FAILURES``. Any
    Content-Security-Policy violation the browser reports on its console fails the test:
    every page of every test is checked against the policy (docs/decisions/0011).
    """
    context = browser.new_context(
        base_url=base_url,
        viewport=viewport or {"width": 1280, "height": 900},
        locale="en-GB",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if is_csp_violation(message.text)
            else None
        ),
    )
    page.csp_violations = violations
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        stem = FAILURES / request.node.name
        FAILURES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content())
        report.sections.append(("browser", f"page at the failure: {stem}.png and .html"))
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def is_csp_violation(text: str) -> bool:
    """Chromium's console line for a refused script, style, eval or resource."""
    return "Content Security Policy" in text
