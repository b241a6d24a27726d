"""The longest tests last in the run's order, so that pytest-xdist hands them out in small
pieces (decision 0125; docs/testing.md, "suite43").

pytest-django sorts the database tests first and the tests without the database last. In the
SQLite run that last group held, in file order, the fault tests and the journeys (tens of
seconds each) and after them about 480 database-free tests of milliseconds
(tests/mailboxes/test_parse_equality.py, tests/web/test_components.py, tests/sla, ...).
``--dist load`` refills a worker that runs low by a count of tests, half of the pending
tests over the workers; the short tests behind them counted, so one worker's refill took the
fault tests and most of the journeys, and the other workers ran dry while it worked through
them (suite37: one worker done at 4,118 s, the two others at 4,986 and 5,045 s). With these
at the very end, the last refills are a few tests each and every worker gets some; the
PostgreSQL run, which leaves the short tests out, already had them there.

Only tests pytest-django put in its last group are moved (no ``django_db`` marker, no
``db``, ``transactional_db`` or ``live_server``), and their order among themselves is kept:
the group's tests leave the test database as they found it, and the journeys stay together
(their package's demo site is set up once for a run of them).
"""

from __future__ import annotations

LAST = ("tests/faults/", "tests/journeys/")
DATABASE = frozenset({"db", "transactional_db", "live_server"})


def _without_database(item) -> bool:  # noqa: ANN001 - a pytest item
    if item.get_closest_marker("django_db") is not None:
        return False
    return not DATABASE & set(getattr(item, "fixturenames", ()))


def longest_last(items: list) -> None:
    """Move the fault tests and the journeys to the end of ``items``, in place."""
    late = [item for item in items if item.nodeid.startswith(LAST) and _without_database(item)]
    if not late:
        return
    moved = {id(item) for item in late}
    items[:] = [item for item in items if id(item) not in moved] + late
