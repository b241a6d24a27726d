"""The CSV/JSON import writes the rows it wrote before decision 0085, on both databases.

Decision 0085's cut has a switch whose ``False`` is the old path: ``imports.sql.MULTI_ROW``
(SQLite: multi-row ``INSERT … VALUES`` statements instead of one ``executemany`` step per
row; PostgreSQL's ``COPY`` is the same either way). One mixed batch (creates with every
field, teams, organisation, location, descriptions with quotes, control, non-ASCII and
astral characters, external ids; updates that change identification values, so their
identifier rows are replaced; relationships to new and existing CIs) is imported with the
switch off, on, and on with statements of a few rows each (a partial last one), each run
from the same keys and numbers and rolled back. Every column of every row of the CIs,
identifiers, source ids, relationships, audit entries and outbox rows is read as the
database's text and compared, with "now" held at one instant for all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.cmdb.imports import import_batch, import_cis, sql
from steward.cmdb.models import (
    CIIdentifier,
    CISourceId,
    ConfigurationItem,
    Relationship,
)
from steward.core.models import AuditEntry, Location, OutboxMessage
from tests import factories
from tests.cmdb.conftest import make_ci

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 1, 18, 5, 17, 250001, tzinfo=dt.UTC)
TEXTS = [
    "plain",
    'with "quotes" and \\ back',
    "Caf\u00e9 na\u00efve \u65e5\u672c\u8a9e \U0001f4e7",
    "line\nbreak, \t tab and \x01 control",
]
TABLES = [ConfigurationItem, CIIdentifier, CISourceId, Relationship, AuditEntry, OutboxMessage]


class _Undo(Exception):
    pass


@pytest.fixture
def world(asset_manager):
    team, support = factories.TeamFactory(), factories.TeamFactory()
    home = factories.OrganisationFactory()
    Location.objects.create(name="Room 1")
    old = [
        make_ci(
            name=f"old-{i}", attributes={"fqdn": f"old{i}.example.com", "serial_number": f"O{i}"}
        )
        for i in range(4)
    ]
    return {"team": team.slug, "support": support.slug, "home": home.slug, "old": old}


def _rows(world) -> tuple[list[dict], list[dict]]:
    cis = []
    for i in range(37):
        row = {
            "ci_class": "server" if i % 5 else "virtual_machine",
            "name": f"imp-{i} {TEXTS[i % len(TEXTS)]}",
            "fqdn": f"imp{i}.example.com",
            "serial_number": f"SN-{i}",
            "os": ("linux", "windows")[i % 2],
            "cpu_count": str(1 + i % 8),
        }
        if i % 3 == 0:
            row["external_id"] = f"ext-{i}"
        if i % 4 == 1:
            row |= {"owner_team": world["team"], "support_team": world["support"]}
        if i % 6 == 2:
            row |= {"organisation": world["home"], "location": "Room 1"}
        if i % 7 == 3:
            row |= {"description": TEXTS[i % len(TEXTS)], "criticality": "2"}
        if i % 5 == 4:
            row |= {"environment": "test", "status": "live"}
        cis.append(row)
    for i, ci in enumerate(world["old"][:3]):  # updates: a new serial number, so rekeyed
        cis.append(
            {
                "ci_class": "server",
                "name": ci.name,
                "fqdn": f"old{i}.example.com",
                "serial_number": f"N{i}",
            }
        )
    links = [
        {"source": f"imp{i}.example.com", "type": "runs_on", "target": world["old"][3].number}
        for i in range(0, 37, 4)
    ]
    links.append({"source": "ext-3", "type": "depends_on", "target": "SN-4"})
    return cis, links


def _text(value) -> str:
    return "NULL" if value is None else str(value)


def _table(model, after: int) -> list[tuple]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        cast = "::text" if connection.vendor == "postgresql" else ""
        listed = ", ".join(f"{connection.ops.quote_name(c)}{cast}" for c in columns)
        # CIs: every row (the updated ones too); the other tables: the rows added
        where, params = ("1 = 1", []) if model is ConfigurationItem else ("id > %s", [after])
        cursor.execute(f"SELECT {listed} FROM {table} WHERE {where}", params)  # noqa: S608
        rows = [tuple(_text(v) for v in row) for row in cursor.fetchall()]
    return [tuple(columns), *sorted(rows)]


def _last_ids() -> dict:
    return {m: m.objects.order_by("-id").values_list("id", flat=True).first() or 0 for m in TABLES}


def _positions() -> list[tuple[str, int, bool]]:
    """PostgreSQL's key sequences, which a rollback does not put back."""
    if connection.vendor != "postgresql":
        return []
    found = []
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            name = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608
            found.append((name, *cursor.fetchone()))
    return found


def _run(actor, world, *, multi_row: bool, parameters: int = sql.VALUES_PARAMETERS) -> dict:
    """Every row the batch writes, by table, with the switch as given; rolled back."""
    cis, links = _rows(world)
    after, positions = _last_ids(), _positions()
    written: dict = {}
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(timezone, "now", return_value=NOW))
        stack.enter_context(mock.patch.object(sql, "MULTI_ROW", multi_row))
        stack.enter_context(mock.patch.object(sql, "VALUES_PARAMETERS", parameters))
        try:
            with transaction.atomic():
                report = import_batch(actor, cis=cis, relationships=links, source="discovery")
                assert report.applied, report.errors
                assert report.counts["create"] == 37
                assert report.counts["update"] == 3
                written = {m._meta.db_table: _table(m, after[m]) for m in TABLES}
                raise _Undo
        except _Undo:
            pass
    with connection.cursor() as cursor:
        for name, value, called in positions:
            cursor.execute("SELECT setval(%s, %s, %s)", [name, value, called])
    return written


def test_the_import_writes_the_rows_it_wrote_before(asset_manager, world):
    before = _run(asset_manager, world, multi_row=False)
    now = _run(asset_manager, world, multi_row=True)
    few = _run(asset_manager, world, multi_row=True, parameters=50)  # 2 CI rows a statement

    assert len(before["cmdb_configurationitem"]) == 1 + 4 + 37
    # a server's serial number and FQDN, a VM's FQDN, the rekeyed CIs' new pairs
    assert len(before["cmdb_ci_identifier"]) == 1 + 29 * 2 + 8 + 3 * 2
    assert len(before["cmdb_ci_source_id"]) == 1 + 13
    assert len(before["cmdb_relationship"]) == 1 + 11
    assert len(before["core_auditentry"]) == 1 + 37 + 3 + 11 * 3  # a link: itself, both ends
    assert len(before["core_outboxmessage"]) == 1 + 3
    for table in before:
        assert now[table] == before[table], table
        assert few[table] == before[table], table


def test_the_switch_chooses_the_path(asset_manager, world):
    """Off is ``executemany`` per row (the old path), on the multi-row statements; a switch
    whose "off" took the new path would compare the new path with itself."""
    with mock.patch.object(sql, "_insert_values", wraps=sql._insert_values) as multi:
        _run(asset_manager, world, multi_row=False)
        assert multi.call_count == 0
        _run(asset_manager, world, multi_row=True)
        # CIs, identifiers, audit of the creates, of the updates, rekeyed identifiers, source ids
        assert multi.call_count == (6 if connection.vendor == "sqlite" else 0)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_inserts_a_statement_per_few_thousand_values_not_a_step_per_row(asset_manager):
    """SQLite: 25 CIs at 10 rows a statement are three ``INSERT``s of 10, 10 and 5 rows
    (one ``executemany`` of 25 before); the sizes follow ``VALUES_PARAMETERS``."""
    rows = [
        {"ci_class": "server", "name": f"n{i}", "fqdn": f"n{i}.example.com", "os": "linux"}
        for i in range(25)
    ]
    width = 17  # the CI columns the import writes
    with (
        mock.patch.object(sql, "VALUES_PARAMETERS", 10 * width + 3),
        CaptureQueriesContext(connection) as captured,
    ):
        assert import_cis(asset_manager, rows, source="discovery").counts["create"] == 25
    inserts = [
        q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "cmdb_configurationitem"')
    ]
    assert [q.count("), (") + 1 for q in inserts] == [10, 10, 5]
    identifiers = [q for q in (c["sql"] for c in captured) if 'INTO "cmdb_ci_identifier"' in q]
    assert len(identifiers) == math.ceil(25 / ((10 * width + 3) // 4))
