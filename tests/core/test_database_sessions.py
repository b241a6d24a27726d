"""The sessions left on the PostgreSQL test database (tests/database_sessions.py) are named
while it is there, and nothing is asked once it has gone: a journey run alone makes and
drops its own test database (tests/journeys/conftest.py) before the suite's
``django_db_setup`` tears down, on the configured database's name."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from steward.settings import _database
from tests import database_sessions

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def _another(name: str):  # noqa: ANN202 - a Django connection
    """A connection of its own (``connection`` is a proxy) to the database ``name``."""
    wrapper = connections[connection.alias]
    return type(wrapper)({**wrapper.settings_dict, "NAME": name}, wrapper.alias)


def test_a_session_is_named_on_the_test_database_and_none_asked_once_it_has_gone(monkeypatch):
    monkeypatch.setattr(database_sessions, "WAIT_S", 0.3)
    left = _another(connection.settings_dict["NAME"])
    left.ensure_connection()
    try:
        pid = left.connection.info.backend_pid
        with pytest.warns(UserWarning, match="sessions still open"):
            named = database_sessions.left_sessions(connection)
    finally:
        left.close()
    assert [line for line in named if line.startswith(f"pid {pid} ")], named

    # teardown_databases puts the configured name back when it drops the test database
    gone = _another(_database()["NAME"])
    try:
        assert database_sessions.left_sessions(gone) == []
        assert gone.connection is None  # never connected
    finally:
        gone.close()
