"""Shared fixtures: actors for each role, API clients with tokens, immediate huey."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.services import token_create
from tests import (
    database_flush,
    database_runs,
    database_sessions,
    database_shared,
    database_templates,
    factories,
)
from tests.journeys import controls as journey_controls

pytest_plugins = ["tests.migration_steps"]  # its fixture, for the data-migration tests


def pytest_collection_modifyitems(config, items):
    """Database-specific tests are deselected on the other database, not skipped: each CI
    run (SQLite, then PostgreSQL) runs every test meant for it. The PostgreSQL run also
    leaves out the tests that cannot reach the database (tests/database_runs.py): the SQLite
    run has already given their answer. STEWARD_TEST_PURE_ON_POSTGRES=1 keeps them."""
    from django.conf import settings

    other = "sqlite_only" if settings.IS_POSTGRES else "postgres_only"
    gone = {id(item) for item in items if item.get_closest_marker(other) is not None}
    if settings.IS_POSTGRES and os.environ.get("STEWARD_TEST_PURE_ON_POSTGRES") != "1":
        gone |= {id(item) for item in database_runs.once_only(items)}
    kept = [item for item in items if id(item) not in gone]
    deselected = [item for item in items if id(item) in gone]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


REQUIRE_SERVICES = os.environ.get("STEWARD_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    """On PostgreSQL the test processes' own connections commit without waiting for the WAL
    to reach the disk (``synchronous_commit = off``): a commit is as visible and as atomic to
    every other session, and only a crash of the PostgreSQL server itself could lose the last
    few, which no test makes (the fault tests kill Steward's processes, and those run on the
    configured settings, unchanged). Each commit waited 2-9 ms on this machine's disk; the
    core and mail tests ran 16 % faster (docs/testing.md, "suite36")."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        given = options.get("options", "")
        options["options"] = f"{given} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True, scope="session")
def _immediate_tasks():
    """Jobs run inline (in memory) so a test sees their effects."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


SEED_MIGRATIONS = [
    ("steward.core.migrations.0002_roles_and_append_only_audit", "seed_roles"),
    ("steward.incidents.migrations.0002_seed_matrix_and_categories", "seed"),
    ("steward.cmdb.migrations.0002_seed_classes_and_relationship_types", "seed"),
    ("steward.cmdb.migrations.0003_import_sources_and_identifiers", "seed"),
    ("steward.changes.migrations.0002_seed_risk_and_policies", "seed"),
]


def _reseed() -> None:
    """Put back what data migrations seeded (roles, priority matrix, categories)."""
    import importlib

    from django.apps import apps

    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _database_baseline(request):
    """Transactional tests end with a flush, which empties seeded tables and (on SQLite,
    where flush is DELETE) trips the audit log's append-only trigger. Re-seed before such a
    test, and lift the delete trigger only for its flush."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    uses_db = marker is not None or transactional or "db" in names
    if not uses_db:
        yield
        database_runs.check_no_database_asked(request)
        return
    from django.db import connection

    from steward.core import stamps
    from steward.core.migrations import _append_only as triggers

    request.getfixturevalue("transactional_db" if transactional else "db")
    if connection.vendor == "postgresql":
        # a sequence keeps counting through the rollback (or flush) that empties the tables:
        # start each test's numbers at 1, as the counter table's rollback does (RESTART is
        # transactional: the test's rollback undoes it with the rest)
        from steward.core.numbering import SEQUENCED

        with connection.cursor() as cursor:
            for sequence in SEQUENCED.values():
                cursor.execute(f"ALTER SEQUENCE {sequence} RESTART")
    # The rollback (or flush) at the end of a test puts the cache stamps back to their seeded
    # values: forget what this process cached, or the next test could be served a value
    # loaded at the same stamp over another test's data (steward/core/stamps.py, forget).
    stamps.forget()
    if transactional:
        _reseed()
    if connection.vendor == "sqlite":
        triggers.create_sqlite(connection)
    yield
    stamps.forget()
    if transactional and connection.vendor == "sqlite":
        triggers.drop_sqlite_delete(connection)


_MIGRATED_TEST_DATABASE: list[Path] = []  # django_db_setup's copy, on SQLite
_MIGRATED_POSTGRES: list[str] = []  # django_db_setup's copy, on PostgreSQL (a database's name)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Under pytest-xdist, the first worker to set up migrates and the others copy its
    database (tests/database_shared.py): one migration per run instead of one per worker."""
    from django.db import connection

    run_id = database_shared.run_id()
    if not run_id:
        yield
        return
    # a worker's base directory is popen-gwN inside the run's own
    shared = tmp_path_factory.getbasetemp().parent
    finish = database_shared.install(connection, shared, run_id)
    try:
        yield
    finally:
        finish()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory, request):
    """pytest-django's test database; on SQLite also copied to a file as the migrations left
    it, before any test writes to it: ``migrated_sqlite`` serves that copy. On PostgreSQL the
    flush between transactional tests deletes rows instead of truncating tables
    (tests/database_flush.py), and before pytest-django drops the database, the sessions still
    on it are waited for and named (tests/database_sessions.py). When the run has fault tests
    (or others asking for it), the migrated PostgreSQL database is copied too, a template for
    their processes' databases (``migrated_postgres``)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        database_flush.install()  # rows deleted between transactional tests, not truncated
        wanted = {"own_steward", "migrated_postgres"}  # the fault tests' fixture, and its
        if any(wanted & set(item.fixturenames) for item in request.session.items):
            with django_db_blocker.unblock():
                _MIGRATED_POSTGRES.extend(database_templates.copied(connection))
    set_up = str(connection.settings_dict["NAME"]) != str(_configured_database_name())
    if connection.vendor == "sqlite" and set_up:
        # (a run of tests none of which asks for the database sets none up: the connection
        # is still the configured file, not a migrated copy; ``migrated_sqlite`` migrates)
        target = tmp_path_factory.mktemp("migrated") / "steward.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            copy = sqlite3.connect(target)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
        _MIGRATED_TEST_DATABASE.append(target)
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock():
            database_sessions.left_sessions(connection)
            for name in _MIGRATED_POSTGRES:
                database_templates.drop(connection, name)


def _configured_database_name() -> object:
    from steward.settings import _database

    return _database()["NAME"]


@pytest.fixture(scope="session")
def migrated_postgres(django_db_setup) -> str | None:
    """The name of a PostgreSQL database with every migration applied and nothing else, made
    once per test process (``django_db_setup``) for the fault tests' processes: a database
    made from it (``CREATE DATABASE … TEMPLATE``) spares their ``steward migrate`` the whole
    schema, as ``migrated_sqlite`` does on SQLite. None when it could not be made (then they
    migrate an empty database, as before)."""
    return _MIGRATED_POSTGRES[0] if _MIGRATED_POSTGRES else None


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database file with every migration applied, made once per test process.

    Tests that start ``steward`` processes on a database of their own (tests/ops,
    tests/faults) start from a copy of it (``copy_migrated``) instead of running
    ``steward migrate`` in a subprocess each: about 15 s of CPU apiece, a minute of every
    run for the same schema. In the SQLite run the test database, migrated already, is that
    file (``django_db_setup``) once this process has set it up; otherwise one migrate."""
    if _MIGRATED_TEST_DATABASE:
        return _MIGRATED_TEST_DATABASE[0]
    var_dir = tmp_path_factory.mktemp("migrated")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env["STEWARD_VAR_DIR"] = str(var_dir)
    done = subprocess.run(
        [sys.executable, "-m", "steward.cli", "migrate", "-v", "0"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return var_dir / "steward.sqlite3"


def copy_migrated(template: Path, var_dir: Path) -> Path:
    """Put a copy of ``template`` where ``steward`` looks with ``STEWARD_VAR_DIR=var_dir``
    (SQLite's backup API: a consistent copy, whatever its journal mode left beside it)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    target = var_dir / "steward.sqlite3"
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def as_actor(user, channel: str = Channel.WEB) -> Actor:
    return Actor(user=user, channel=channel)


@pytest.fixture
def admin_user(db):
    return factories.admin(username="root")


@pytest.fixture
def agent_user(db):
    return factories.agent(username="agent1")


@pytest.fixture
def requester_user(db):
    return factories.requester(username="req1")


@pytest.fixture
def admin_actor(admin_user):
    return as_actor(admin_user)


@pytest.fixture
def agent_actor(agent_user):
    return as_actor(agent_user)


@pytest.fixture
def requester_actor(requester_user):
    return as_actor(requester_user)


class ApiClient(Client):
    """Django's test client speaking JSON with a bearer token, through the real middleware."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def get(self, path, data=None, headers=None, **kw):
        return super().get(path, data, headers=self._headers(headers), **kw)

    def delete(self, path, data="", headers=None, **kw):
        return super().delete(path, data, headers=self._headers(headers), **kw)

    def post(self, path, data=None, content_type="application/json", headers=None, **kw):
        return super().post(
            path, data, content_type=content_type, headers=self._headers(headers), **kw
        )

    def patch(self, path, data=None, content_type="application/json", headers=None, **kw):
        return super().patch(
            path, data, content_type=content_type, headers=self._headers(headers), **kw
        )

    def put(self, path, data=None, content_type="application/json", headers=None, **kw):
        return super().put(
            path, data, content_type=content_type, headers=self._headers(headers), **kw
        )


def api_client_for(user, scopes=("read", "write")) -> ApiClient:
    _, raw = token_create(Actor.system("tests"), user=user, name="test", scopes=list(scopes))
    return ApiClient(raw)


@pytest.fixture
def admin_api(admin_user):
    return api_client_for(admin_user, scopes=("read", "write", "admin"))


@pytest.fixture
def agent_api(agent_user):
    return api_client_for(agent_user)


@pytest.fixture
def requester_api(requester_user):
    return api_client_for(requester_user)


@pytest.fixture
def anon_api():
    return ApiClient()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    """The fault suite's figures (tests/faults), shown with or without ``-s`` and under xdist:
    here, not in tests/faults/conftest.py, because xdist's controller loads only this one.
    Last of the summaries (after the durations), so a run's tail, all CI's log keeps, names
    any control the journeys left unexercised."""
    reports = terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
    lines = [
        value
        for report in reports
        for name, value in getattr(report, "user_properties", [])
        if name == "fault figures"
    ]
    if lines:
        terminalreporter.section("fault injection")
        for line in lines:
            terminalreporter.write_line(line)
    journey_controls.summary(terminalreporter, config)


# The journeys' control audit (tests/journeys/controls.py): here, not in the journeys' conftest,
# because under pytest-xdist only this conftest is loaded by the controller, which judges.
def pytest_runtest_logstart(nodeid, location):
    database_sessions.note_started(nodeid)


def pytest_deselected(items):
    journey_controls.deselected(items)


def pytest_collection_finish(session):
    journey_controls.collection_finished(session)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    journey_controls.node_down(node)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        journey_controls.worker_finished(session.config)
    else:
        journey_controls.judge(session)
