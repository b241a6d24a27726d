"""The search index's merges are the worker's (decision 0106): on SQLite the FTS5 index's
``automerge`` is 0 (a write merges nothing incrementally), ``crisismerge`` bounds its levels,
and the worker's ``Merger`` merges in steps under a lease.

The file tests build their own SQLite file (``tests.core.sqlite_files``), so they run
whatever the suite's database is; the lease is the suite's database's."""

from __future__ import annotations

import importlib
import time
from types import SimpleNamespace

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY

from steward.core import leases
from steward.core.models import Lease
from steward.incidents.selectors.search import TABLE
from steward.incidents.services import search_index, search_merge
from tests.core.sqlite_files import file_wrapper

migration = importlib.import_module("steward.incidents.migrations.0021_search_merges_in_the_worker")
OLD_INDEX = (  # the index as migration 0004 made it before decision 0106
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(public, internal, "
    "tokenize='unicode61 remove_diacritics 2')"
)


@pytest.fixture
def index_file(django_db_blocker, tmp_path):
    """A SQLite file holding an index as migration 0004 made it before this decision."""
    with django_db_blocker.unblock():
        wrapper = file_wrapper(tmp_path / "search.sqlite3", "search-merges")
        with wrapper.cursor() as cursor:
            cursor.execute(OLD_INDEX)
        yield wrapper
        wrapper.close()


def _write(wrapper, rows: int, start: int = 0) -> None:
    """``rows`` documents, each in a transaction of its own (as creates write them)."""
    for k in range(start, start + rows):
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(
                f"INSERT INTO {TABLE} (rowid, public, internal) VALUES (%s, %s, '')",  # noqa: S608
                [k + 1, f"printer {k} offline wombat{k}"],
            )
            cursor.execute("COMMIT")


def _found(wrapper, word: str) -> list[int]:
    with wrapper.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid", [word])  # noqa: S608
        return [r[0] for r in cursor.fetchall()]


def _migrate(wrapper, backwards: bool = False) -> None:
    editor = SimpleNamespace(connection=wrapper)
    (migration.restore if backwards else migration.configure)(None, editor)


@pytest.mark.django_db
def test_a_fresh_index_has_the_merge_options():
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    assert search_merge.options(connection) == {
        "automerge": 0,
        "crisismerge": 16,
        "usermerge": 4,
    }


def test_the_migration_sets_the_options_on_an_index_made_before(index_file):
    assert search_merge.options(index_file) == {}  # FTS5's defaults, stored nowhere
    _migrate(index_file)
    assert search_merge.options(index_file) == search_merge.OPTIONS
    _migrate(index_file, backwards=True)
    assert search_merge.options(index_file) == search_merge.DEFAULTS


def test_create_index_sets_them(django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        wrapper = file_wrapper(tmp_path / "fresh.sqlite3", "search-fresh")
        try:
            search_index.create_index(wrapper)
            assert search_merge.options(wrapper) == search_merge.OPTIONS
        finally:
            wrapper.close()


def _drops(wrapper, rows: int) -> list[int]:
    """Write ``rows`` documents one a transaction; the index's segments before each write
    that left it fewer (a merge ran inside that write)."""
    before, drops = search_merge.segments(wrapper), []
    for k in range(rows):
        _write(wrapper, 1, start=k)
        after = search_merge.segments(wrapper)
        if after <= before:
            drops.append(before)
        before = after
    return drops


def test_a_write_merges_only_a_level_in_crisis(index_file):
    """FTS5's automerge runs in the write every 64 leaves whatever the level sizes; with
    automerge 0 a write merges only when it fills a level to ``crisismerge`` segments."""
    old = _drops(index_file, 70)
    assert any(d != search_merge.CRISISMERGE - 1 for d in old)  # automerge's, at write 64
    with index_file.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")  # noqa: S608
    _migrate(index_file)
    new = _drops(index_file, 70)
    assert new  # crises did merge
    assert all(d == search_merge.CRISISMERGE - 1 for d in new)


def test_merge_steps_merge_then_find_nothing(index_file):
    _migrate(index_file)
    _write(index_file, 12)
    assert search_merge.segments(index_file) == 12  # noqa: PLR2004
    steps = 0
    while search_merge.merge_step(index_file, pages=2):
        steps += 1
        assert steps < 100  # noqa: PLR2004
    assert steps >= 1
    merged = search_merge.segments(index_file)
    assert merged < search_merge.USERMERGE
    shape = search_merge.structure(index_file)
    assert not search_merge.merge_step(index_file)  # idempotent: nothing left, nothing written
    assert search_merge.structure(index_file) == shape
    assert _found(index_file, "printer") == list(range(1, 13))
    assert _found(index_file, "wombat7") == [8]


@pytest.mark.django_db
def test_the_merger_merges_under_its_lease_and_another_waits(index_file):
    _migrate(index_file)
    _write(index_file, 12)
    holder, other = search_merge.Merger(), search_merge.Merger()
    assert other.holds_lease()  # the other worker's merger took the lease first
    wait = holder.round(index_file)
    assert wait == search_merge.RETRY
    assert search_merge.segments(index_file) == 12  # noqa: PLR2004 - it merged nothing
    other.release()
    assert not Lease.objects.filter(name=search_merge.LEASE).exists()
    rounds = 0
    while holder.round(index_file) != holder.interval:
        rounds += 1
        assert rounds < 100  # noqa: PLR2004
    assert holder.steps == rounds >= 1
    assert search_merge.segments(index_file) < search_merge.USERMERGE
    assert Lease.objects.get(name=search_merge.LEASE).holder == holder.token
    # nothing written since its step found nothing: the next round takes no lock
    shape = holder.idle_shape
    assert shape == search_merge.structure(index_file)
    steps = holder.steps
    holder.round(index_file)
    assert holder.steps == steps
    assert _found(index_file, "printer") == list(range(1, 13))
    holder.release()
    assert not Lease.objects.filter(name=search_merge.LEASE).exists()


@pytest.mark.django_db
def test_a_step_waits_three_times_its_hold(index_file, monkeypatch):
    """The merger holds the write lock at most a quarter of the time."""
    _migrate(index_file)
    _write(index_file, 12)
    clock = iter([10.0, 10.2])
    monkeypatch.setattr(search_merge.time, "perf_counter", lambda: next(clock))
    merger = search_merge.Merger()
    assert merger.round(index_file) == pytest.approx(0.6)
    merger.release()


@pytest.mark.django_db
def test_a_lost_lease_is_taken_again(index_file):
    merger = search_merge.Merger()
    assert merger.holds_lease()
    Lease.objects.filter(name=search_merge.LEASE).delete()
    merger.renewed -= search_merge.RENEW_EVERY
    assert not merger.holds_lease()  # lost at renewal
    assert merger.holds_lease()  # and taken again when free
    assert leases.acquire(search_merge.LEASE, search_merge.LEASE_TTL) is None
    merger.release()


@pytest.mark.django_db
def test_the_worker_starts_the_merger():
    assert HUEY._startup["search-merger"] is search_merge.start
    assert HUEY._shutdown["search-merger"] is search_merge.stop
    assert search_merge.start() is None  # the suite's database: in memory or PostgreSQL


def test_the_workers_stop_waits_for_the_lease_to_be_given_back(monkeypatch):
    """The merger is a daemon thread: the worker's shutdown hook returns only once it has
    released its lease, or the exiting process cuts the release off (stop 39's CI: the
    lease was left held after a graceful stop)."""
    released = []

    class Closed:
        vendor = "postgresql"  # a round does nothing: only the stop is under test

        def close(self) -> None:
            pass

    merger = search_merge.Merger(connect=Closed, interval=0.01)

    def slow_release() -> None:
        time.sleep(0.3)
        released.append(True)

    merger.release = slow_release
    monkeypatch.setattr(search_merge, "_running", merger)
    merger.start()
    search_merge.stop()
    assert released == [True]
    assert not merger.is_alive()
