"""Rows written as text and kept per process (``steward.api.row_text``, decision 0088) are
what ``json.dumps`` writes of decision 0081's dicts, byte for byte: objects and dicts, nested
lists (empty too), defaults (not kept), values that cannot be a key, one field, bounds; and
the two SQLite look-ups of the same decision (``sqlitetimes``, ``compiled``'s column maps)
give what Django's converters give."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils.dateparse import parse_datetime
from ninja import Schema
from pydantic import Field

from steward.api import row_text, rows
from steward.core.db import sqlitetimes
from steward.core.selectors import compiled

AT = dt.datetime(2026, 12, 5, 23, 59, 59, 999_999, tzinfo=dt.UTC)


class Tick(Schema):
    kind: str
    at: dt.datetime
    until: dt.datetime | None = None
    left: int
    late: bool


class Thing(Schema):
    name: str = Field(..., alias="name.text")
    count: int
    note: str | None = None
    ticks: list[Tick] = Field(default_factory=list, alias="tick_list")
    flag: bool


class One(Schema):
    only: str


def _tick(**changes):  # noqa: ANN003, ANN202
    values = {"kind": "response", "at": AT, "until": None, "left": -5, "late": True}
    return SimpleNamespace(**{**values, **changes})


ROWS = [
    {"name.text": 'a "quoted" <b>\\ \u2028 日本 🚨', "count": 0, "note": None, "flag": False,
     "tick_list": [_tick(), _tick(kind="resolution", until=AT, left=3, late=False)]},
    {"name.text": "", "count": 7, "note": "x", "flag": True, "tick_list": []},
    {"name.text": "no note, no ticks", "count": 1, "flag": True},  # defaults: not kept
    SimpleNamespace(**{"name.text": "an object", "count": 2, "note": "n", "flag": False,
                       "tick_list": [_tick(at=AT.replace(microsecond=0))]}),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _empty():
    for kept in row_text._kept.values():
        kept.clear()
    yield
    for kept in row_text._kept.values():
        kept.clear()


def _reference(schema, row) -> str:  # noqa: ANN001
    return json.dumps(rows._writer(schema)(row), cls=row_text.NinjaJSONEncoder)


@pytest.mark.parametrize("row", ROWS, ids=["hostile", "empty-list", "defaults", "object"])
def test_a_rows_text_is_json_dumps_of_its_dict_written_then_kept(row):
    text = row_text.text_writer(Thing, rows._writer(Thing))
    assert text(row) == _reference(Thing, row)
    assert text(row) == _reference(Thing, row)  # from the kept parts


def test_a_page_is_json_dumps_of_its_dicts():
    write = rows._writer(Thing)
    for nxt in (None, "abc=="):
        page = row_text.page_text(Thing, write, ROWS, nxt)
        items = [write(row) for row in ROWS]
        assert page == json.dumps({"items": items, "next": nxt}, cls=row_text.NinjaJSONEncoder)
    assert row_text.page_text(Thing, write, [], None) == '{"items": [], "next": null}'
    assert row_text.text_writer(One, rows._writer(One))({"only": "x"}) == '{"only": "x"}'


@pytest.mark.parametrize(
    ("key", "other"),
    [("name.text", "renamed"), ("count", 8), ("note", None), ("flag", False), ("tick", 4)],
)
def test_a_row_with_any_value_changed_is_written_anew(key, other):
    text = row_text.text_writer(Thing, rows._writer(Thing))
    row = {**ROWS[1], "tick_list": [_tick(left=3)]}
    assert text(row) == _reference(Thing, row)
    moved = {"tick_list": [_tick(left=other)]}  # a clock's seconds moved on
    changed = {**row, **(moved if key == "tick" else {key: other})}
    assert text(changed) == _reference(Thing, changed) != _reference(Thing, row)


def test_what_is_kept_and_what_is_not():
    text = row_text.text_writer(Thing, rows._writer(Thing))
    text(ROWS[0])
    text(ROWS[2])  # a default: written by the dict writer, not kept
    assert len(row_text._kept[Thing]) == 1
    unhashable = {**ROWS[1], "name.text": ["not", "a", "key"]}
    assert text(unhashable) == _reference(Thing, unhashable)
    long = {**ROWS[1], "name.text": "x" * row_text.TEXT_MAX}
    assert text(long) == _reference(Thing, long)
    assert len(row_text._kept[Thing]) == 1  # too long to keep


def test_the_kept_texts_are_bounded(monkeypatch):
    monkeypatch.setattr(row_text, "KEPT_MAX", 3)
    text = row_text.text_writer(Thing, rows._writer(Thing))
    for count in range(10):
        row = {**ROWS[1], "count": count}
        assert text(row) == _reference(Thing, row)
        assert len(row_text._kept[Thing]) <= 3


def test_sqlites_kept_times_are_djangos():
    texts = [b"2026-03-29 01:30:00", b"2026-12-05 23:59:59.999999", b"2026-07-01 12:00:00+02:00"]
    for text in texts:
        assert sqlitetimes._kept[text] == parse_datetime(text.decode())
        assert sqlitetimes._kept[text] is sqlitetimes._kept[text]
    with pytest.raises(ValueError):  # what Django refuses stays refused, and is not kept
        sqlitetimes._kept[b"2026-13-45 99:00:00"]
    assert b"2026-13-45 99:00:00" not in sqlitetimes._kept


def test_sqlites_kept_times_are_bounded(monkeypatch):
    monkeypatch.setattr(sqlitetimes, "KEPT_MAX", 4)
    sqlitetimes._kept.clear()
    for second in range(20):
        sqlitetimes._kept[f"2026-01-01 00:00:{second:02}".encode()]
        assert len(sqlitetimes._kept) <= 4


@pytest.mark.django_db
def test_the_driver_reads_sqlites_datetimes_through_the_kept_ones():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's driver")
    connection.ensure_connection()  # ``connection_created`` registered the kept converter
    assert sqlite3.converters["DATETIME"] == sqlitetimes._kept.__getitem__
    assert sqlite3.converters["TIMESTAMP"] == sqlitetimes._kept.__getitem__
    sqlitetimes.install(False)
    assert sqlite3.converters["TIMESTAMP"] is sqlitetimes._djangos
    sqlitetimes.install(True)


@pytest.mark.django_db
def test_the_column_maps_are_djangos_converters():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's converters")
    ops = connection.ops
    for value in (0, 1, True, False, None, 2, "1", 0.0, 1.0):
        expected = ops.convert_booleanfield_value(value, None, connection)
        assert compiled._BOOLEANS[value] == expected
        assert type(compiled._BOOLEANS[value]) is type(expected)
    aware = compiled._Aware(dt.UTC, type(ops).convert_datetimefield_value, connection)
    for value in (None, dt.datetime(2026, 1, 1, 9), AT, "2026-01-01 09:00:00"):
        expected = ops.convert_datetimefield_value(value, None, connection)
        assert aware[value] == expected
        assert getattr(aware[value], "tzinfo", None) == getattr(expected, "tzinfo", None)
