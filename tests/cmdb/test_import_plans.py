"""The import's identifier lookup on PostgreSQL, in the plan a prepared statement settles on
(decision 0044: psycopg prepares it after 5 runs, PostgreSQL then keeps a generic plan):
its chunk of values (``value = ANY($3)``, an array unknown when planning) must be the index
condition. As a filter, a generic plan compares each row of the key with the array element
by element (no hashing for a parameter): a re-run of 100,000 rows into 1,000,000 CIs took
12 minutes that way (decision 0076)."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection

from steward.cmdb.imports import import_cis, sql
from steward.cmdb.models import CIIdentifier

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

SERVERS = 5000


def _plan_nodes(node: dict) -> list[dict]:
    return [node, *(n for child in node.get("Plans", []) for n in _plan_nodes(child))]


def test_the_identifier_lookup_keeps_its_chunk_as_the_index_condition(asset_manager):
    with connection.cursor() as cursor:
        # statistics taken before the rows came (a fresh install's first import, or before
        # autovacuum comes round): the state in which an index led by (family, key) made the
        # planner take each key's rows and filter them against the array. Emptied first
        # (rolled back with the test): earlier tests' dead pages would make it another state
        cursor.execute("TRUNCATE cmdb_ci_identifier")
        cursor.execute("ANALYZE cmdb_ci_identifier")
    rows = [
        {"ci_class": "server", "name": f"srv-{i}", "fqdn": f"srv-{i}.example.org"}
        | {"serial_number": f"SN{i:08d}"}
        for i in range(SERVERS)
    ]
    assert import_cis(asset_manager, rows, source="discovery").applied
    family = CIIdentifier.objects.filter(key="fqdn").values_list("family_id", flat=True)[0]
    values = [f"srv-{i}.example.org" for i in range(0, SERVERS, 2)]
    sent: list[tuple[str, list]] = []

    def capture(execute, text, params, many, context):  # noqa: ANN001, ANN202
        sent.append((text, params))
        return execute(text, params, many, context)

    with connection.execute_wrapper(capture):
        found = sql.select_in(
            CIIdentifier, ("value", "ci"), {"family": family, "key": "fqdn"}, "value", values
        )
    assert len(found) == len(values)
    ((text, params),) = sent
    numbered = iter(range(1, len(params) + 1))
    statement = re.sub("%s", lambda _m: f"${next(numbered)}", text)
    marks = ", ".join(["%s"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE identifier_lookup AS {statement}")
        try:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute(
                connection.ops.compose_sql(
                    f"EXPLAIN (FORMAT JSON) EXECUTE identifier_lookup({marks})", params
                )
            )
            (plan,) = cursor.fetchone()
        finally:
            cursor.execute("DEALLOCATE identifier_lookup")
    nodes = _plan_nodes((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"])
    conditions = " ".join(n.get("Index Cond", "") for n in nodes)
    filters = " ".join(n.get("Filter", "") for n in nodes)
    shown = [
        {k: n.get(k) for k in ("Node Type", "Index Name", "Index Cond", "Filter")} for n in nodes
    ]
    assert "ANY" in conditions, shown
    assert "ANY" not in filters, shown


LOOKUP = 'SELECT "value", "ci_id" FROM "cmdb_ci_identifier" WHERE %'


def _lookup_plans() -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for the identifier lookup on this connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)"
            " FROM pg_prepared_statements WHERE statement LIKE %s",
            [LOOKUP],
        )
        generic, custom = cursor.fetchone()
    return int(generic), int(custom)


def test_an_import_plans_its_lookups_on_the_table_as_it_is(asset_manager, monkeypatch):
    """A first import into an empty identifier table runs the lookup more than ten times
    (a 100,000-row file: 20 chunks per key), so the connection prepares it and, with the
    table empty, PostgreSQL's generic plan scanned it with ``= ANY($3)`` as a filter. That
    plan stayed for the re-run in the same connection, by then over every row of the key:
    323 rows/s (decision 0078). The import's lookups are planned for their values."""
    from steward.cmdb.imports import candidates

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cmdb_ci_identifier")
        cursor.execute("ANALYZE cmdb_ci_identifier")
    monkeypatch.setattr(candidates, "CHUNK", 100)  # 12 lookups per key, as 60,000 rows send
    rows = [
        {"ci_class": "server", "name": f"srv-{i}", "fqdn": f"srv-{i}.example.org"}
        | {"serial_number": f"SN{i:08d}"}
        for i in range(1200)
    ]
    assert import_cis(asset_manager, rows, source="discovery").applied
    again = import_cis(asset_manager, rows, source="discovery")
    assert again.ok
    assert {r.action for r in again.rows} == {"unchanged"}
    generic, custom = _lookup_plans()
    # 48 lookups: psycopg prepares the statement on its 6th (decision 0044)
    assert generic + custom >= 40, "the lookup was not prepared: nothing checked"
    assert generic == 0, f"{generic} of {generic + custom} lookups ran the generic plan"
    with connection.cursor() as cursor:  # put back for what the transaction runs next
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("auto",)


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        return cursor.fetchone()[0]


def test_the_setting_comes_back_when_the_planning_fails_without_a_savepoint():
    # a caller catching the error in the same transaction, with no savepoint of its own,
    # goes on with the setting it had
    seen = []

    def plan() -> None:
        with sql.custom_plans():
            seen.append(_mode())
            raise ValueError("a bad row")

    with pytest.raises(ValueError, match="a bad row"):
        plan()
    assert (seen, _mode()) == (["force_custom_plan"], "auto")
