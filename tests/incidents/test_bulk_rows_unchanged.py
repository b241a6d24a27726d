"""The bulk import writes the rows it wrote before decision 0080, on both databases.

Each of the decision's cuts has a switch, whose ``False`` is the code's old path
(decision 0072): ``bulk_rows.CLEAN`` (every row through ``bulk._build``), ``audit.TEXTS``
(``record_created_snapshots``), ``search_index.ONE_STATEMENT`` (``executemany`` per row on
PostgreSQL), ``clocks.PER_CONTEXT`` (each incident's policy asked of its context). One
mixed batch (every status, times as aware and naive datetimes and as ISO text in several
zones, or left out; categories, subcategories, CIs and services named in any case, titles
and descriptions with quotes, control characters, accents and astral characters, booleans,
every channel; two calendars) is imported with every switch off, every switch on and each
one off alone, each from the same keys and numbers (each run rolled back). Every column of
every row written (incidents, SLA clocks and threshold events, audit entries, outbox rows,
search rows and terms) is read as the database's text and compared, with "now" held at one
instant for all. The same batch with bad rows in it must fail with the same problems, by
row and field, and the same message.
"""

import contextlib
import datetime as dt
import random
import zoneinfo
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from steward.cmdb.services import ci_create
from steward.core import audit
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from steward.incidents.models import Incident
from steward.incidents.selectors.search import TABLE, TERMS
from steward.incidents.services import bulk, bulk_rows, clocks, search_index
from steward.incidents.services.bulk import incidents_import
from steward.sla import services as sla
from steward.sla.models import SlaClock, SlaEvent
from tests import factories

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
OPENED = dt.datetime(2026, 3, 6, 7, 30, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 4, 1, 18, 5, 17, 250001, tzinfo=dt.UTC)  # after every row's times
# decision 0080's cuts, each with its switch (False: the old path)
SWITCHES = {
    "clean": (bulk_rows, "CLEAN"),
    "texts": (audit, "TEXTS"),
    "one statement": (search_index, "ONE_STATEMENT"),
    "per context": (clocks, "PER_CONTEXT"),
}
# what each switch chooses between, counted (a switch whose "off" took the new path
# would compare the new path with itself)
CHOOSES = {
    "clean": (bulk, "_build"),
    "texts": (audit, "record_created_snapshots"),
    "one statement": (search_index, "_write"),
    "per context": (sla.ClockBatch, "policy"),
}
STATUSES = ["new", "assigned", "in_progress", "on_hold", "resolved", "closed", "cancelled"]
TITLES = [
    "VPN drops every few minutes",
    '  Printer "PRN-4" says \\ jam\t',
    "Caf\u00e9 Wi-Fi: na\u00efve r\u00e9seau \u00fcberall",
    "Mail \U0001f4e7 bounces \u2014 \u65e5\u672c\u8a9e",
    "Line\nbreak and \x01 control",
]


class _Undo(Exception):
    pass


@pytest.fixture
def world(admin_actor, requester_user, agent_user, desk, always_on):
    """Two calendars and policies, a second team, inactive people, CIs and a service."""
    hours = [
        {"weekday": d, "start": start, "end": end}
        for d in range(5)
        for start, end in (("08:00", "12:00"), ("13:00", "17:30"))
    ]
    sla.calendar_create(
        SYSTEM, name="Berlin", slug="berlin", time_zone="Europe/Berlin", working_hours=hours
    )
    sla.policy_create(
        SYSTEM,
        name="Urgent",
        slug="urgent",
        calendar="berlin",
        priorities=[1, 2],
        precedence=10,
        response_minutes=20,
        resolution_minutes=300,
        warning_percent=60,
    )
    shop = ci_create(SYSTEM, name="Web shop", ci_class="business_service").number
    # policies chosen by subcategory and by service too: a policy taken for the wrong
    # context shows in the clocks
    sla.policy_create(
        SYSTEM,
        name="VPN",
        slug="vpn",
        calendar="berlin",
        categories=["network-vpn"],
        precedence=5,
        response_minutes=15,
        resolution_minutes=120,
    )
    sla.policy_create(
        SYSTEM,
        name="Shop",
        slug="shop",
        calendar="always",
        services=[shop],
        precedence=7,
        response_minutes=45,
        resolution_minutes=600,
    )
    factories.requester(username="req2")
    factories.requester(username="gone-req", is_active=False)
    factories.agent(username="outsider")
    return {
        "shop": shop,
        "server": ci_create(
            SYSTEM, name="web-1", ci_class="server", attributes={"fqdn": "web-1.example.com"}
        ).number,
    }


def _time(rng, at):
    form = rng.randrange(6)
    if form == 0:
        return at
    if form == 1:
        return at.astimezone(BERLIN)
    if form == 2:
        return at.isoformat().replace("+00:00", "Z")
    if form == 3:
        return at.astimezone(BERLIN).isoformat()
    if form == 4:
        return at.replace(tzinfo=None).isoformat(" ")  # naive text: taken as UTC
    return at.replace(tzinfo=None)


def _good_rows(world, count=60):
    rng = random.Random(5)
    rows = []
    for n in range(count):
        opened = OPENED + dt.timedelta(minutes=rng.randrange(10 * 24 * 60))
        status = STATUSES[n % len(STATUSES)]
        row = {
            "title": TITLES[n % len(TITLES)] + f" {n}",
            "caller": "req1" if n % 3 else "req2",
            "impact": rng.randint(1, 3),
            "urgency": rng.randint(1, 3),
            "status": status,
            "channel": rng.choice(["", "portal", "email", "phone", "web", "monitoring"]),
        }
        if n % 11:  # else opened now
            row["opened_at"] = _time(rng, opened)
        if rng.random() < 0.6:
            row["description"] = f"D\u00e9tails {n}: 'quoted' \"text\" \u2603 {rng.random()}"
        if rng.random() < 0.5:
            row["category"] = "network"
            if rng.random() < 0.5:
                row["subcategory"] = "network-vpn"
        if rng.random() < 0.5:
            row["team"] = "desk"
            if rng.random() < 0.6:
                row["assignee"] = "agent1"
        if rng.random() < 0.3:
            row["configuration_item"] = f"  {world['server'].lower()} "
        if rng.random() < 0.3:
            row["affected_service"] = world["shop"].lower()
        if rng.random() < 0.4 and "opened_at" in row:
            row["first_response_at"] = opened + dt.timedelta(minutes=rng.randrange(3000))
        if status in ("resolved", "closed"):
            row["resolution_code"] = rng.choice(["solved", "workaround", "user_error"])
            row["resolution_notes"] = rng.choice(["", "Fixed \u2714", None])
            if rng.random() < 0.7 and "opened_at" in row:
                resolved = opened + dt.timedelta(minutes=rng.randrange(4000))
                row["resolved_at"] = _time(rng, resolved)
                if status == "closed" and rng.random() < 0.5:
                    row["closed_at"] = resolved + dt.timedelta(days=2)
        if status == "cancelled" and rng.random() < 0.5 and "opened_at" in row:
            row["closed_at"] = opened + dt.timedelta(hours=5)
        if rng.random() < 0.1:
            row["is_major"] = True
        if n == 7:
            row.pop("status")  # new or assigned from the team
        rows.append(row)
    # rows alike but for what picks their policy: subcategory, service, priority
    alike = {"caller": "req1", "impact": 2, "urgency": 2, "category": "network"}
    alike["opened_at"] = OPENED
    rows += [
        {"title": "Alike", **alike},
        {"title": "Alike, VPN", **alike, "subcategory": "network-vpn"},
        {"title": "Alike, shop", **alike, "affected_service": world["shop"]},
        {"title": "Alike, lower", **alike, "urgency": 3},
    ]
    return rows


def _bad_rows(world):
    """Rows breaking each rule once or more, some several at a time."""
    return [
        {"title": "x", "caller": "req1", "colour": "red", "size": 3},
        {"title": "", "caller": "ghost"},
        {"title": "y" * 201, "caller": "gone-req", "impact": True, "urgency": 0},
        {"title": "t", "caller": "req1", "opened_at": "yesterday", "resolved_at": 7},
        {"title": "t", "caller": "req1", "status": "parked", "channel": "pigeon"},
        {"title": "t", "caller": "req1", "status": "closed"},
        {"title": "t", "caller": "req1", "status": "resolved", "resolution_code": "luck"},
        {"title": "t", "caller": "req1", "category": "network-vpn", "subcategory": "x"},
        {"title": "t", "caller": "req1", "category": "hardware", "subcategory": "network-vpn"},
        {"title": "t", "caller": "req1", "subcategory": "network-vpn"},
        {"title": "t", "caller": "req1", "team": "nowhere", "assignee": "req2"},
        {"title": "t", "caller": "req1", "team": "desk", "assignee": "outsider"},
        {"title": "t", "caller": "req1", "configuration_item": "ci9999999"},
        {"title": "t", "caller": "req1", "affected_service": world["server"]},
        {"title": "t", "caller": "", "impact": "2"},
        {"title": "t"},
        # one broken rule each
        {"title": "y" * 201, "caller": "req1"},
        {"title": "t", "caller": "req1", "assignee": "req2"},
        {"title": "t", "caller": "req1", "urgency": True},
        {"title": "t", "caller": "req1", "closed_at": "2026-02-30T10:00:00Z"},
        {"title": "t", "caller": "req1", "category": "network", "subcategory": "hardware-laptop"},
    ]


def _text(value) -> str:
    """A column's value as the database's text."""
    return "NULL" if value is None else str(value)


def _table(table: str, where: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        cast = "::text" if connection.vendor == "postgresql" else ""
        listed = ", ".join(f"{connection.ops.quote_name(c)}{cast}" for c in columns)
        cursor.execute(f"SELECT {listed} FROM {table} WHERE {where}", params)  # noqa: S608
        rows = [tuple(_text(v) for v in row) for row in cursor.fetchall()]
    return [tuple(columns), *sorted(rows)]


def _search(ids: list[int]) -> list:
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        if connection.vendor == "postgresql":
            sql = f"SELECT incident_id, public::text, internal::text FROM {TABLE}"  # noqa: S608
            cursor.execute(f"{sql} WHERE incident_id IN ({marks}) ORDER BY 1", ids)
            return [tuple(map(str, r)) for r in cursor.fetchall()]
        sql = f"SELECT rowid, public, internal FROM {TABLE}"  # noqa: S608
        cursor.execute(f"{sql} WHERE rowid IN ({marks}) ORDER BY 1", ids)
        found = [tuple(map(str, r)) for r in cursor.fetchall()]
        cursor.execute(f"SELECT term FROM {TERMS} ORDER BY term")  # noqa: S608
        return [*found, tuple(t for (t,) in cursor.fetchall())]


def _written(ids: list[int], outbox_after: int) -> dict:
    """Every row the import wrote, by table, as text."""
    keys = [str(i) for i in ids]
    marks = ", ".join(["%s"] * len(ids))
    clock_ids = list(SlaClock.objects.filter(object_id__in=keys).values_list("id", flat=True))
    clock_marks = ", ".join(["%s"] * len(clock_ids)) or "NULL"
    return {
        "incidents": _table(Incident._meta.db_table, f"id IN ({marks})", ids),
        "clocks": _table(SlaClock._meta.db_table, f"object_id IN ({marks})", keys),
        "events": _table(SlaEvent._meta.db_table, f"clock_id IN ({clock_marks})", clock_ids),
        "audit": _table(AuditEntry._meta.db_table, f"object_id IN ({marks})", keys),
        "outbox": _table(OutboxMessage._meta.db_table, "id > %s", [outbox_after]),
        "search": _search(ids),
    }


_SEQUENCED = [Incident, SlaClock, SlaEvent, AuditEntry, OutboxMessage]


def _positions() -> list[tuple[str, int, bool]]:
    """PostgreSQL's sequences (keys and incident numbers), which a rollback does not reset."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        names = []
        for model in _SEQUENCED:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            names.append(cursor.fetchone()[0])
        names.append("incidents_number")
        found = []
        for name in names:
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608
            found.append((name, *cursor.fetchone()))
    return found


def _rewind(positions) -> None:
    with connection.cursor() as cursor:
        for name, value, called in positions:
            cursor.execute("SELECT setval(%s, %s, %s)", [name, value, called])


def _run(rows, *, off=()) -> tuple[dict | None, tuple | None]:
    """The rows the import writes for ``rows`` (or its errors) with the switches in ``off``
    off and the others on, then rolled back. Every run sees one "now" (a clock stopped at
    "now" counts up to it)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(timezone, "now", return_value=NOW))
        for name, (module, switch) in SWITCHES.items():
            stack.enter_context(mock.patch.object(module, switch, name not in off))
        return _run_now(rows)


def _run_now(rows) -> tuple[dict | None, tuple | None]:
    outbox_after = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    positions = _positions()
    written = failed = None
    try:
        with transaction.atomic():
            try:
                made = incidents_import(SYSTEM, rows)
            except ValidationFailed as exc:
                failed = (exc.fields, str(exc))
            else:
                written = _written([i.pk for i in made], outbox_after)
                assert len(written["incidents"]) == len(rows) + 1
            raise _Undo
    except _Undo:
        pass
    _rewind(positions)
    return written, failed


def test_the_import_writes_the_rows_it_wrote_before(world):
    rows = _good_rows(world)
    before, failed = _run(rows, off=SWITCHES)
    assert failed is None
    for off in [(), *([name] for name in SWITCHES)]:
        after, failed = _run(rows, off=off)
        assert failed is None
        assert after.keys() == before.keys()
        for table in before:
            assert after[table] == before[table], (off, table)
    # the batch reaches what it means to: clocks on both calendars, events, closed rows
    assert {row[-1] for row in before["search"][:-1]} == {""}
    assert len(before["clocks"]) == 2 * len(rows) + 1
    assert len(before["events"]) > 5
    policies = {row[before["clocks"][0].index("policy_id")] for row in before["clocks"][1:]}
    assert len(policies) == 4


def test_bad_rows_fail_with_the_problems_and_message_of_before(world):
    good = _good_rows(world, count=14)
    rows = good[:3] + _bad_rows(world) + good[3:]
    _, before = _run(rows, off=SWITCHES)
    _, after = _run(rows)
    assert before is not None
    assert after == before
    assert len(before[0]) > 25


def test_each_switch_off_takes_another_path(world):
    rows, calls = _good_rows(world), []
    for off in ((), SWITCHES):
        with contextlib.ExitStack() as stack:
            spies = {
                name: stack.enter_context(
                    mock.patch.object(owner, attr, autospec=True, side_effect=getattr(owner, attr))
                )
                for name, (owner, attr) in CHOOSES.items()
            }
            _run(rows, off=off)
        calls.append({n: [c.kwargs for c in spy.call_args_list] for n, spy in spies.items()})
    on, off = calls
    assert [name for name in SWITCHES if on[name] == off[name]] == []
    assert len(off["clean"]) == len(off["per context"]) == len(rows)


def test_a_clean_rows_values_are_builds_and_a_bad_row_goes_to_build(world):
    good, bad = _good_rows(world), _bad_rows(world)
    refs, now = bulk._Refs(SYSTEM, good + bad), timezone.now()
    for row in good:
        values, errors = bulk._build(row, refs, now)
        assert errors == {}
        clean = bulk_rows.clean(row, refs, now)
        assert clean == values
        assert list(clean) == list(values)
    assert [bulk_rows.clean(row, refs, now) for row in bad] == [None] * len(bad)
