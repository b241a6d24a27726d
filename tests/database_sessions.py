"""Other sessions on the PostgreSQL test database when it is about to be dropped.

CI's PostgreSQL runs ended with "database test_test_gwN is being accessed by other users:
There is 1 other session using the database" on some workers, after every test had passed:
pytest-django's ``DROP DATABASE`` met a connection some test had left open (a thread's,
closed only when the thread or its object goes). ``left_sessions`` is run by the suite's
``django_db_setup`` just before that drop: it waits a bounded time for such sessions to end
(a thread still closing is not a fault), and names what stays (its last statement, its state,
and the test this process was running when it connected) in a warning, which pytest-xdist
carries to the run's warnings summary, so the next run says which test leaves it.
"""

from __future__ import annotations

import bisect
import time
import warnings

WAIT_S = 5.0  # how long a closing session is given before it is named

_started: list[tuple[float, str]] = []  # (time.time(), nodeid) of each test, in order


def note_started(nodeid: str) -> None:
    _started.append((time.time(), nodeid))


def _running_at(moment: float) -> str:
    index = bisect.bisect_right([t for t, _ in _started], moment) - 1
    return _started[index][1] if index >= 0 else "(before the first test)"


_OTHERS = """
    SELECT pid, backend_type, application_name, state,
           EXTRACT(EPOCH FROM backend_start), left(query, 200)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def left_sessions(connection) -> list[str]:  # noqa: ANN001 - Django's connection
    """Wait up to ``WAIT_S`` for the other sessions on the test database to end; describe
    those that stay (empty when none does), and warn with them. Nothing to check (and no
    connection opened) when the connection is back on the configured database: the test
    database has gone already (a journey run alone makes and drops its own, checked there,
    before pytest-django's teardown comes here: tests/journeys/conftest.py)."""
    from steward.settings import _database

    if str(connection.settings_dict["NAME"]) == str(_database()["NAME"]):
        return []
    deadline = time.monotonic() + WAIT_S
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_OTHERS)
            rows = cursor.fetchall()
        if not rows or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    described = [
        f"pid {pid} ({kind}, {app or 'no application name'}, {state}), connected while "
        f"{_running_at(float(began))} ran; last statement: {query!r}"
        for pid, kind, app, state, began, query in rows
    ]
    if described:
        warnings.warn(
            "sessions still open on the test database before its drop:\n" + "\n".join(described),
            stacklevel=1,
        )
    return described
