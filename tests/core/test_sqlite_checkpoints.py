"""SQLite's WAL checkpoints are the worker's (steward/core/db/sqlite3/upkeep.py, decision
0090): a commit no longer checkpoints the log when it crosses 1,000 pages, the worker's
checkpointer does, and without a worker a commit still checkpoints past the bound.

Each test builds its own SQLite file, so it runs whatever the configured database is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY

from steward.core.db.sqlite3 import base, upkeep
from steward.core.db.sqlite3.base import DatabaseWrapper
from tests.core.sqlite_files import file_wrapper

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


@pytest.fixture(autouse=True)
def _unblocked(django_db_blocker):
    """These connections are the tests' own files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path: Path) -> DatabaseWrapper:
    wrapper = file_wrapper(path, "checkpoints")
    wrapper.inc_thread_sharing()  # the checkpointer's thread closes its own
    return wrapper


@pytest.fixture
def wal_db(_unblocked, tmp_path):
    path = tmp_path / "wal.sqlite3"
    wrapper = _wrapper(path)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE blob (id INTEGER PRIMARY KEY, body BLOB)")
    yield path, wrapper
    wrapper.close()


def _write_pages(wrapper: DatabaseWrapper, pages: int, per_commit: int = 50) -> None:
    """About ``pages`` WAL frames, in commits of ``per_commit`` pages (a create writes ~50):
    each row is one overflow page's worth of bytes."""
    for _ in range(pages // per_commit):
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(
                "INSERT INTO blob (body) VALUES (%s)", [[os.urandom(PAGE - 200)]] * per_commit
            )
            cursor.execute("COMMIT")


def _log_frames(path: Path) -> int:
    """Frames in the log since it was last started (the WAL index header's ``mxFrame``)."""
    with open(f"{path}-shm", "rb") as shm:
        return int.from_bytes(shm.read(20)[16:20], sys.byteorder)


def test_every_connection_checkpoints_only_past_the_bound(wal_db):
    _path, wrapper = wal_db
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == upkeep.WAL_BOUND_PAGES == 10_000


def test_commits_past_1000_pages_do_not_checkpoint(wal_db):
    """SQLite's default would checkpoint in the commit that crosses 1,000 pages and start
    the log again at the next write; now the log keeps growing and the database file is
    not written."""
    path, wrapper = wal_db
    size = path.stat().st_size
    _write_pages(wrapper, 2_000)
    assert _log_frames(path) >= 2_000
    assert path.stat().st_size == size  # nothing copied back into the database file


def test_without_a_worker_a_commit_still_checkpoints_past_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "WAL_BOUND_PAGES", 1_500)
    path = tmp_path / "bound.sqlite3"
    wrapper = _wrapper(path)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE blob (id INTEGER PRIMARY KEY, body BLOB)")
    _write_pages(wrapper, 3_000)
    # checkpointed when it passed 1,500 frames and started again: never much past the bound
    assert _log_frames(path) < 1_600
    assert path.stat().st_size > 1_500 * PAGE
    wrapper.close()


def test_the_checkpointer_copies_the_log_into_the_database(wal_db):
    path, wrapper = wal_db
    _write_pages(wrapper, 500)
    size = path.stat().st_size
    checkpointer = upkeep.Checkpointer(lambda: _wrapper(path), interval=0.02, pages=400)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 10
        while path.stat().st_size < size + 500 * PAGE and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        checkpointer.stop()
        checkpointer.join(10)
    assert path.stat().st_size >= size + 500 * PAGE
    assert checkpointer.checkpoints >= 1
    assert not checkpointer.is_alive()


def test_the_checkpointer_waits_for_its_pages(wal_db):
    """Like SQLite's autocheckpoint, it copies the log back once 1,000 frames wait."""
    path, wrapper = wal_db
    _write_pages(wrapper, 500)
    size = path.stat().st_size
    assert upkeep.waiting_frames(str(path)) >= 500  # noqa: PLR2004
    upkeep.Checkpointer().round(wrapper)
    assert path.stat().st_size == size
    _write_pages(wrapper, 600)
    upkeep.Checkpointer().round(wrapper)
    assert path.stat().st_size >= size + 1_000 * PAGE
    assert upkeep.waiting_frames(str(path)) == 0


@pytest.mark.django_db
def test_the_worker_starts_the_checkpointer():
    assert HUEY._startup["sqlite-checkpointer"] is upkeep.start
    assert HUEY._shutdown["sqlite-checkpointer"] is upkeep.stop
    assert upkeep.start() is None  # the test database is in memory: no log to checkpoint


_KILLED_WRITER = """
import os, sys
import django
from django.conf import settings
from steward.settings import SQLITE_ENGINE, SQLITE_OPTIONS
settings.configure(DATABASES={"default": {"ENGINE": SQLITE_ENGINE, "NAME": sys.argv[1],
                                          "OPTIONS": SQLITE_OPTIONS}})
django.setup()
from django.db import connection, transaction
for k in range(60):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO blob (body) VALUES (%s)", [[os.urandom(3000)]] * 50)
print(k + 1, flush=True)
os.kill(os.getpid(), 9)
"""


def test_a_killed_writer_loses_nothing_it_committed_in_an_unchecked_log(wal_db):
    """Nothing was checkpointed (3,000 pages, under the bound): every committed row is only
    in the log, and SQLite replays it when the database is next opened."""
    path, wrapper = wal_db
    wrapper.close()
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.strip() == "60"
    reopened = _wrapper(path)
    with reopened.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM blob")
        assert cursor.fetchone()[0] == 60 * 50
    reopened.close()


_CHECKPOINT_ELSEWHERE = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("INSERT INTO blob (body) VALUES (x'00')")
print(c.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()[0])
"""


def test_looking_at_the_log_keeps_this_processs_locks(wal_db):
    """Closing a descriptor of ``-shm`` drops every POSIX lock the process holds on it, and
    SQLite's WAL read and write locks are those locks: a look that opened and closed the file
    let another process restart the log under a reader of this one (the corruption decision
    0106 found). While a reader here holds its snapshot, a ``RESTART`` checkpoint elsewhere
    must stay busy (1) before and after the looks."""
    path, wrapper = wal_db
    _write_pages(wrapper, 100)
    reader = _wrapper(path)
    try:
        with reader.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT count(*) FROM blob")

            def elsewhere() -> str:
                done = subprocess.run(
                    [sys.executable, "-c", _CHECKPOINT_ELSEWHERE, str(path)],
                    capture_output=True, text=True, check=True, timeout=60,
                )  # fmt: skip
                return done.stdout.strip()

            assert elsewhere() == "1"
            for _ in range(3):
                upkeep.waiting_frames(str(path))
                upkeep.Checkpointer().round(wrapper)
            assert elsewhere() == "1"  # the reader's lock still holds ("0" on 0090's look)
            cursor.execute("COMMIT")
    finally:
        reader.close()
