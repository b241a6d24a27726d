"""PostgreSQL's prepared statements (decision 0044): parameters bound by the server, a
statement prepared once a connection has run it ``STEWARD_DATABASE_PREPARE_THRESHOLD``
times, and the reads answering the same bytes with the same statements either way."""

import difflib
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward import settings as steward_settings
from tests.conftest import api_client_for
from tests.incidents.test_rows import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "options"),
    [
        ("5", {"server_side_binding": True, "prepare_threshold": 5}),
        ("1", {"server_side_binding": True, "prepare_threshold": 1}),
        ("0", {}),  # Django's default: bound in the client, nothing prepared (old PgBouncer)
    ],
)
def test_the_threshold_sets_the_connection_options(monkeypatch, raw, options):
    monkeypatch.setenv("STEWARD_DATABASE_PREPARE_THRESHOLD", raw)
    assert steward_settings._postgres_options() == options


def test_a_negative_threshold_is_refused(monkeypatch):
    monkeypatch.setenv("STEWARD_DATABASE_PREPARE_THRESHOLD", "-1")
    with pytest.raises(SystemExit, match="STEWARD_DATABASE_PREPARE_THRESHOLD"):
        steward_settings._postgres_options()


def test_a_postgres_url_gets_the_options(monkeypatch):
    monkeypatch.setenv("STEWARD_DATABASE_URL", "postgres://u@db:5432/steward")
    monkeypatch.setenv("STEWARD_DATABASE_PREPARE_THRESHOLD", "5")
    assert steward_settings._database()["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    monkeypatch.setenv("STEWARD_DATABASE_PREPARE_THRESHOLD", "0")
    assert steward_settings._database()["OPTIONS"] == {}


@pytest.mark.postgres_only
def test_the_configured_connection_binds_on_the_server_and_prepares():
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    assert connection.connection.prepare_threshold == 5  # the default threshold
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, ServerBindingCursor)
        for _ in range(7):
            cursor.execute("SELECT count(*) FROM core_team WHERE id > %s", [0])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE 'SELECT count(*) FROM core_team WHERE id > $1%%'"
        )
        assert cursor.fetchone()[0] == 1


def _normal(body: bytes, kind: str) -> object:
    """A page without what changes from one answer to the next anyway: elapsed and time
    left count from each read's "now" (the CI run that found this crossed a minute between
    two reads: "30m" then "29m" left), a form's CSRF token is masked afresh."""
    if kind == "json":
        found = json.loads(body)
        for item in found.get("items", [found]):
            for clock in item.get("sla", []) if isinstance(item, dict) else []:
                clock.pop("elapsed_seconds"), clock.pop("time_left_seconds")
        return found
    body = re.sub(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', rb"\1", body)
    # the page's words for the same two counts: "29m business time" left, "2 minutes ago"
    body = re.sub(rb'(<span class="sla[^"]*"[^>]*>)[^<]*', rb"\1", body)
    return re.sub(rb">[^<>]*ago</time>", rb"></time>", body)


def _diff(path: str, expected: tuple, found: tuple) -> str:
    lines = [repr(x).splitlines() if not isinstance(x, bytes) else x.decode().splitlines()
             for x in (expected[1], found[1])]  # fmt: skip
    changed = difflib.unified_diff(*lines, lineterm="", n=1)
    return f"{path}: {expected[0]} / {found[0]} statements\n" + "\n".join(list(changed)[:40])


def _binding(mode: str) -> None:
    """This test connection's cursors as Django's default makes them, or prepared at once."""
    from django.db.backends.postgresql.base import Cursor, ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    if mode == "client":
        raw.cursor_factory, raw.prepare_threshold = Cursor, None
    elif mode == "prepared":
        raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
    else:  # as configured
        raw.cursor_factory = ServerBindingCursor
        raw.prepare_threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]


@pytest.mark.postgres_only
def test_the_reads_answer_the_same_prepared_as_bound_in_the_client(world, agent_user, web):  # noqa: F811
    api = api_client_for(agent_user)
    number = world["full"]
    reads = [
        (api, f"/api/v1/incidents/{number}", "json"),
        (api, f"/api/v1/incidents/{number}/comments", "json"),
        (api, "/api/v1/incidents?limit=2", "json"),
        (api, "/api/v1/incidents?queue=my_teams", "json"),
        (web, f"/incidents/{number}/", "html"),
        (web, "/incidents/?queue=all", "html"),
        (web, "/incidents/?queue=my_teams", "html"),
    ]
    try:
        for client, path, kind in reads:
            assert client.get(path).status_code == 200  # caches filled, as in a warm worker
            answers = []
            for mode in ("client", "prepared", "prepared", "client"):
                _binding(mode)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                assert response.status_code == 200, path
                answers.append((len(captured), _normal(response.content, kind)))
            for answer in answers[1:]:  # prepared, again from the prepared statements, client
                assert answer == answers[0], _diff(path, answers[0], answer)
        with connection.cursor() as cursor:  # the prepared runs did prepare
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] > len(reads)
    finally:
        _binding("configured")
