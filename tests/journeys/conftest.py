"""The journeys' world: the demo organisation (``steward demo``, smaller desk) loaded once for
the whole suite and served by one live server; a page per test that checks every page it
loads with axe-core and fails on any response the person should never get (4xx, 5xx).

Journeys change the data they walk through (an incident taken, a change approved), so each
journey picks records no other journey touches, or makes its own through the pages; none
depends on another having run (pytest-xdist may spread them over workers, each with its own
database; the demo is loaded by the first of them and copied to the others before any journey
runs: tests/journeys/snapshot.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import modify_settings, override_settings

from tests import database_sessions
from tests.browser.harness import (
    launched_chromium,
    opened_page,
    pytest_runtest_makereport,  # noqa: F401 - a hook
    waiting_for_its_requests,
)
from tests.conftest import _reseed
from tests.journeys import snapshot
from tests.journeys.steps import HTMX_WATCH
from tests.journeys.watch import watch

# 300 incidents instead of the demo's 3,000: the same story (queues, breaches, problems,
# changes, CMDB) in about ten seconds; the benchmark (bench/web) uses the full size.
DEMO_INCIDENTS = 300
VIEWPORT = {"width": 1200, "height": 800}  # also the guides' screenshots (docs/guides)
PLAIN = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def _empty_database() -> None:
    """Flush (lifting SQLite's append-only audit trigger for it) and put the seeded rows back:
    the state the rest of the test suite expects before and after the journeys."""
    from django.db import connection

    from steward.core import stamps
    from steward.core.migrations import _append_only as triggers

    if connection.vendor == "sqlite":
        triggers.drop_sqlite_delete(connection)
    call_command("flush", interactive=False, verbosity=0)
    _reseed()
    stamps.forget()  # the flush put the cache stamps back (steward/core/stamps.py, forget)
    if connection.vendor == "sqlite":
        triggers.create_sqlite(connection)


def _load_demo() -> None:
    _empty_database()
    # the demo's logins share one hash; MD5 (the tests' hasher, tests/conftest.py) keeps
    # every sign-in fast and lets the per-test settings check it
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        call_command("demo", incidents=DEMO_INCIDENTS, stdout=_Discard())


@pytest.fixture(scope="session")
def demo_copies(django_db_setup, tmp_path_factory) -> Iterator[snapshot.Copies]:
    """The run's copy of the loaded demo (tests/journeys/snapshot.py): loaded by the first
    worker to reach the journeys, copied by the others and on every return to them."""
    # a worker's base directory is popen-gwN inside the run's own (tests/conftest.py)
    copies = snapshot.copies(tmp_path_factory.getbasetemp().parent)
    yield copies
    copies.finish()


@pytest.fixture(scope="package")
def demo_site(django_db_setup, django_db_blocker, demo_copies) -> Iterator[str]:
    """The demo organisation behind a live server; yields its base URL.

    The database stays unblocked for the whole package: the live server's thread reads it
    between the tests' own steps, and pytest-django's blocker is process-wide.
    """
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock(), _test_database():
        demo_copies.loaded(_load_demo)
        server = waiting_for_its_requests(LiveServer("localhost"))
        hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
        hosts.enable()
        # the tests' plain static storage for the whole package, not only per test: between
        # two tests the per-test fixture restores the manifest storage, and a request still
        # running in the server's thread then could cache it for the next test (a 500,
        # "Missing staticfiles manifest entry", seen once on PostgreSQL)
        storage = override_settings(STORAGES={**settings.STORAGES, "staticfiles": PLAIN})
        storage.enable()
        try:
            yield server.url
        finally:
            # the server first: stopping it waits for the requests its threads still serve
            # (the last journey's page may be loading a panel; waiting_for_its_requests),
            # which then end with the settings they began with and close their database
            # connections before the flush and the test database's teardown
            server.stop()
            storage.disable()
            hosts.disable()
            _empty_database()


@contextlib.contextmanager
def _test_database() -> Iterator[None]:
    """pytest-django creates the test database only when some collected test asks for one by
    a marker or the ``db`` fixtures; the journeys use neither (those would flush or roll back
    the demo after every test). Run alone, they create it here."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from steward.settings import _database

    # setting up the test database renames the connection's database; still the configured
    # name: nobody has set it up
    ready = str(connection.settings_dict["NAME"]) != str(_database()["NAME"])
    if ready:
        yield
        return
    made = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        # the sessions left on it are named before this drop, not after it: the suite's
        # django_db_setup (tests/conftest.py) tears down later, on the configured database
        if connection.vendor == "postgresql":
            database_sessions.left_sessions(connection)
        teardown_databases(made, verbosity=0)


class _Discard:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):  # noqa: ARG001 - the hook's signature
    """Close the database connections a journey's own code opened (its ORM reads beside the
    browser), in the context it ran in. Playwright's sync API resumes the test in a context
    of its own (contextvars, which Django's connections live in), not the one the fixtures
    set up and tear down in: a connection opened there was never closed, and on PostgreSQL
    the test database's DROP then met "1 other session" (tests/database_sessions.py). A
    closed connection reopens on the next query; SQLite's in-memory test database ignores
    the close (Django keeps it open)."""
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture(scope="package")
def browser() -> Iterator:
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def page(request, demo_site, browser) -> Iterator:
    """A fresh context and page on the demo site; every page it loads is checked (watch).
    The site before the browser: the browser is closed first at the package's end, so no
    connection of it is left open for the stopping server to wait on."""
    with opened_page(request, browser, demo_site, viewport=VIEWPORT) as page, watch(page):
        page.add_init_script(HTMX_WATCH)  # what swapped() waits on (steps.py)
        yield page
