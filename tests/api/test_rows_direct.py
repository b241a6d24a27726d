"""Rows written directly (``steward.api.rows.DIRECT``, decision 0081) are what the schema's
mirror writes (``DIRECT`` off: validated and dumped, decision 0039), byte for byte: times as
ninja's encoder writes them (kept per process for UTC only, bounded), defaults, nested lists
read from attributes, a one-field schema; a schema with a type the writer does not know keeps
the mirror. The times SQLite's rows are made aware with (``compiled.KEEP_TIMES``) are the
ones made anew, and bounded."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from ninja import Schema
from pydantic import Field

from steward.api import rows
from steward.core.pagination import Page
from steward.core.selectors import compiled
from steward.incidents.models import Incident
from steward.incidents.services import incident_create

BERLIN = ZoneInfo("Europe/Berlin")
TIMES = [
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # no fraction
    dt.datetime(2026, 3, 29, 1, 30, 0, 500, tzinfo=dt.UTC),  # under a millisecond
    dt.datetime(2026, 12, 5, 23, 59, 59, 999_999, tzinfo=dt.UTC),  # truncated, not rounded
    dt.datetime(2026, 7, 1, 14, 0, 0, 123_456, tzinfo=BERLIN),  # an offset of its own
    dt.datetime(2026, 7, 1, 12, 0, 0, 123_456, tzinfo=dt.UTC),  # the same instant, in UTC
    dt.datetime(2026, 7, 1, 12, 0, 0, 123_456, tzinfo=dt.timezone(dt.timedelta(0))),  # +00:00
    dt.datetime(2026, 7, 1, 12, 0, 0),  # naive
]


class Clock(Schema):
    kind: str
    at: dt.datetime
    until: dt.datetime | None = None


class Thing(Schema):
    name: str = Field(..., alias="name.text")
    count: int
    flag: bool
    note: str | None = None
    at: dt.datetime
    maybe: dt.datetime | None
    clocks: list[Clock] = Field(default_factory=list, alias="clock_list")


class Single(Schema):
    only: str


class Unknown(Schema):
    name: str
    score: float  # not a type the writer knows


class _Response:
    content = b""
    status_code = 200


def _both(schema: type[Schema], items: list, monkeypatch) -> bytes:
    """The page written directly, after the mirror's: equal."""
    page = Page(items=items, next="abc")
    monkeypatch.setattr(rows, "DIRECT", False)
    mirror = rows.page_response(_Response(), schema, page).content
    monkeypatch.setattr(rows, "DIRECT", True)
    direct = rows.page_response(_Response(), schema, page).content
    assert direct == mirror
    return direct


def test_times_are_written_as_ninjas_encoder_writes_them():
    encoder = DjangoJSONEncoder()
    for _ in range(2):  # written, then kept
        for value in TIMES:
            assert rows._iso(value) == encoder.default(value), value
    # an instant equal to a kept UTC one is written with its own offset
    assert rows._iso(TIMES[3]).endswith("+02:00")
    assert rows._iso(TIMES[4]).endswith("Z")


def test_the_kept_times_are_bounded(monkeypatch):
    monkeypatch.setattr(rows, "_written", {})
    monkeypatch.setattr(rows, "_WRITTEN_MAX", 4)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for minutes in range(10):
        value = start + dt.timedelta(minutes=minutes, microseconds=minutes * 1001)
        assert rows._iso(value) == DjangoJSONEncoder().default(value)
        assert len(rows._written) <= 4


def test_rows_with_defaults_nulls_and_nested_objects(monkeypatch):
    clocks = [
        SimpleNamespace(kind="response", at=TIMES[1], until=None),
        SimpleNamespace(kind="resolution", at=TIMES[3], until=TIMES[2]),
    ]
    items = [
        {
            "name.text": '<b>"x"</b> \\ \x00 \u2028 日本',
            "count": 3,
            "flag": True,
            "note": None,
            "at": value,
            "maybe": None if i % 2 else value,
            "clock_list": clocks[: i % 3],
        }
        for i, value in enumerate(TIMES)
    ]
    items.append(
        {"name.text": "defaults", "count": 0, "flag": False, "at": TIMES[0], "maybe": None}
    )
    written = json.loads(_both(Thing, items, monkeypatch))
    assert written["items"][-1]["note"] is None
    assert written["items"][-1]["clocks"] == []
    assert written["items"][1]["clocks"][0]["until"] is None
    assert list(written["items"][0]) == ["name", "count", "flag", "note", "at", "maybe", "clocks"]


def test_a_missing_required_field_is_refused(monkeypatch):
    monkeypatch.setattr(rows, "DIRECT", True)
    with pytest.raises(ValueError, match="count"):
        rows.page_response(_Response(), Thing, Page(items=[{"name.text": "x"}], next=None))


def test_a_one_field_schema(monkeypatch):
    assert json.loads(_both(Single, [{"only": "a"}, {"only": "b"}], monkeypatch))["items"] == [
        {"only": "a"},
        {"only": "b"},
    ]


def test_a_type_the_writer_does_not_know_keeps_the_mirror(monkeypatch):
    assert rows._writer(Unknown) is None
    _both(Unknown, [{"name": "x", "score": 1}], monkeypatch)  # the mirror writes 1.0


def test_the_create_answer_is_the_mirrors(monkeypatch):
    row = {"name.text": "made", "count": 1, "flag": True, "at": TIMES[2], "maybe": TIMES[3]}
    answers = []
    for on in (False, True):
        monkeypatch.setattr(rows, "DIRECT", on)
        response = rows.row_response(_Response(), Thing, row, status=201)
        answers.append((response.content, response.status_code))
    assert answers[0] == answers[1] == (answers[0][0], 201)


@pytest.mark.django_db
def test_sqlites_kept_times_are_the_times_made_anew(admin_actor, monkeypatch):
    for n in range(6):
        incident_create(admin_actor, title=f"kept {n}")

    def read() -> list[dict]:
        build = lambda ids: Incident.objects.filter(id__in=ids).values(  # noqa: E731
            "id", "opened_at", "created_at", "updated_at", "resolved_at"
        )
        ids = list(Incident.objects.order_by("id").values_list("id", flat=True))
        return compiled.rows("tests.kept_times", build, ids=ids)

    monkeypatch.setattr(compiled, "KEEP_TIMES", False)
    made = read()
    kept = {}
    monkeypatch.setattr(compiled, "KEEP_TIMES", True)
    monkeypatch.setattr(compiled, "_AWARE_MAX", 5)
    monkeypatch.setitem(compiled._aware, connection.timezone, kept)
    # the converters made again, with the test's kept dict (and afterwards again)
    monkeypatch.setattr(compiled._local, "statements", {})
    for _ in range(2):  # read, then kept
        assert read() == made
        for row in made:
            assert row["opened_at"].tzinfo is not None
    if connection.vendor == "sqlite":
        assert 0 < len(kept) <= 5
