"""``bench.incidents.plans``: the scale bench keeps each search statement's plan beside its
figure. On PostgreSQL the plan was run (its execution time is read back); on SQLite it is
the query plan; anything but a ``SELECT`` is left alone (a capture may hold a write)."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.incidents import plans


@pytest.mark.django_db
def test_each_select_gets_its_plan_and_writes_are_skipped():
    statements = [
        "SELECT id FROM incidents_incident WHERE id > 0 ORDER BY id DESC LIMIT 5",
        "UPDATE incidents_incident SET title = title WHERE id < 0",
    ]
    got = plans.explain(statements)
    assert [p["sql"] for p in got] == [statements[0]]
    text = "\n".join(got[0]["plan"])
    if connection.vendor == "postgresql":
        assert got[0]["ms"] is not None
        assert got[0]["ms"] >= 0
        assert "Execution Time" in text
        assert "Limit" in text
    else:
        assert got[0]["ms"] is None
        assert "incidents_incident" in text
    assert plans.summary(got)


def test_summary_puts_the_slowest_first():
    got = [
        {"sql": "SELECT a", "ms": 1.0, "plan": []},
        {"sql": "SELECT b", "ms": 9.5, "plan": []},
    ]
    assert plans.summary(got).startswith("9.50 ms 'SELECT b'")
