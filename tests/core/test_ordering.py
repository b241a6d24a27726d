"""The run's order puts the fault tests and the journeys last (tests/ordering.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.ordering import longest_last


@dataclass
class Item:
    nodeid: str
    fixturenames: list[str] = field(default_factory=list)
    marked_db: bool = False

    def get_closest_marker(self, name: str) -> object | None:
        return object() if name == "django_db" and self.marked_db else None


def test_the_fault_tests_and_journeys_go_last_in_their_order_and_the_rest_keeps_its_own():
    items = [
        Item("tests/incidents/test_api.py::test_create", ["db"]),
        Item("tests/faults/test_crash_recovery.py::test_crash"),
        Item("tests/journeys/test_agent.py::test_queue"),
        Item("tests/journeys/test_agent.py::test_take"),
        Item("tests/mailboxes/test_parse_equality.py::test_parse[1]"),
        Item("tests/faults/test_sink.py::test_sink"),
        Item("tests/web/test_components.py::test_badge"),
    ]
    longest_last(items)
    assert [item.nodeid.rpartition("::")[2] for item in items] == [
        "test_create",
        "test_parse[1]",
        "test_badge",
        "test_crash",
        "test_queue",
        "test_take",
        "test_sink",
    ]


def test_a_test_with_the_database_stays_where_pytest_django_sorted_it():
    """A database test moved behind the transactional ones would find their flush."""
    items = [
        Item("tests/journeys/test_x.py::test_marked", marked_db=True),
        Item("tests/faults/test_y.py::test_db", ["db"]),
        Item("tests/journeys/test_z.py::test_live", ["live_server"]),
        Item("tests/web/test_components.py::test_badge"),
    ]
    before = list(items)
    longest_last(items)
    assert items == before
