"""PostgreSQL's ``timestamptz`` values kept per process (``steward.core.db.pgtimes``, decision
0082): with ``KEEP`` on, a value read (then read again, from the kept dict) is the one
psycopg's and Django's own loader gives with it off, in the UTC session Django sets and in
sessions of other zones (offsets in minutes and seconds, a repeated hour); microseconds,
years before 1900 and year 1, 9999; what psycopg refuses (infinity, BC, year 10000) refused
the same way and not kept; the dict bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DataError, connection

from steward.core.db import pgtimes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loader"),
]

TEXTS = (
    "2026-12-05 20:15:44.123456+00",
    "2026-12-05 20:15:44.1+00",
    "2026-12-05 20:15:44.000001+00",
    "2026-12-05 20:15:44+00",
    "2026-03-29 01:30:00+02",
    "2026-10-25 01:30:00+00",  # London's repeated hour (its second 01:30)
    "2000-02-29 12:00:00+05:30",
    "1970-01-01 00:00:00+00",
    "1899-12-31 23:59:59.999999+00",
    "1890-06-01 12:00:00+00",  # local mean time in most zones: offsets in seconds
    "1066-10-14 09:00:00-01",
    "0001-01-02 00:00:00+00",
    "9999-12-31 12:00:00+00",
)
# the first and last instants psycopg loads: in a zone west or east of UTC they are printed
# as BC or in year 10000, which psycopg refuses (below)
EXTREMES = ("0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00")
REFUSED = ("infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "10000-01-01 00:00:00+00")
ZONES = ("UTC", "Asia/Kolkata", "Europe/Amsterdam", "America/St_Johns", "Europe/London")


def _read(texts, keep: bool, monkeypatch, zone: str = "UTC") -> list[dt.datetime]:
    monkeypatch.setattr(pgtimes, "KEEP", keep)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    try:
        with connection.cursor() as cursor:  # a new cursor: its loader reads the session's zone
            cursor.execute("SELECT v::timestamptz FROM unnest(%s::text[]) AS t(v)", [list(texts)])
            return [row[0] for row in cursor.fetchall()]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")


def _same(a: list[dt.datetime], b: list[dt.datetime]) -> None:
    """Equal, and equal in every part an equality of aware datetimes does not compare."""
    assert [(v, repr(v), v.tzinfo, v.fold, v.utcoffset()) for v in a] == [
        (v, repr(v), v.tzinfo, v.fold, v.utcoffset()) for v in b
    ]


def test_the_connection_loads_timestamptz_with_the_keeping_loader():
    from psycopg.pq import Format

    connection.ensure_connection()
    adapters = connection.connection.adapters
    oid = adapters.types["timestamptz"].oid
    loader = adapters.get_loader(oid, Format.TEXT)
    assert loader.__name__ == "KeptTzLoader"
    assert loader.timezone == connection.timezone  # else Django puts its own on each cursor
    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(oid, Format.TEXT) is loader
    assert adapters.get_loader(oid, Format.BINARY).__name__ != "KeptTzLoader"  # psycopg's


@pytest.fixture(autouse=True)
def _empty():
    """No value kept by an earlier test (the dicts live as long as the process)."""
    for kept in pgtimes._kept.values():
        kept.clear()


@pytest.mark.parametrize("zone", ZONES)
def test_kept_times_are_the_loaders_own(monkeypatch, zone):
    texts = TEXTS + EXTREMES if zone == "UTC" else TEXTS
    off = _read(texts, False, monkeypatch, zone)
    assert len(off) == len(texts)
    first = _read(texts, True, monkeypatch, zone)  # parsed, then kept
    again = _read(texts, True, monkeypatch, zone)  # from the kept dict
    _same(first, off)
    _same(again, off)
    assert all(a is b for a, b in zip(first, again, strict=True))  # kept, not parsed anew
    if zone == "UTC":  # what Django reads: the instant, in UTC
        assert off[0] == dt.datetime(2026, 12, 5, 20, 15, 44, 123456, tzinfo=dt.UTC)
        assert off[0].tzinfo is dt.UTC
        assert off[4] == dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)
        assert off[-2] == dt.datetime(1, 1, 1, tzinfo=dt.UTC)
        assert off[-1] == dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
        assert off[8] == dt.datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)


def test_a_text_read_in_one_session_zone_is_not_reused_in_another(monkeypatch):
    london = _read(TEXTS, False, monkeypatch, "Europe/London")
    assert london[5].fold == 1  # the second 01:30 in London's session: fold kept by Django
    _read(TEXTS, True, monkeypatch, "UTC")  # the same texts kept from a UTC session
    _same(_read(TEXTS, True, monkeypatch, "Europe/London"), london)


@pytest.mark.parametrize("text", REFUSED)
def test_refused_texts_are_refused_alike_and_not_kept(monkeypatch, text):
    errors = []
    for keep in (False, True, True):
        with pytest.raises(DataError) as raised:
            _read([text], keep, monkeypatch)
        errors.append(str(raised.value))
    assert errors[0] == errors[1] == errors[2]
    assert all(text.encode() not in kept for kept in pgtimes._kept.values())


def test_the_kept_times_are_bounded(monkeypatch):
    monkeypatch.setattr(pgtimes, "_MAX", 3)
    texts = [f"2026-01-0{day} 10:00:00+00" for day in range(1, 8)]
    off = _read(texts, False, monkeypatch)
    for _ in range(2):
        _same(_read(texts, True, monkeypatch), off)
        assert all(len(kept) <= 3 for kept in pgtimes._kept.values())
    assert any(kept for kept in pgtimes._kept.values())
