"""FTS5's segment merges of the incident search index, out of the creates (decision 0106).

Every write to an FTS5 table adds a small segment to level 0 of its index; merges fold a
level's segments into one on the level above, so a search reads a few segments and not one
per write. By default (``automerge`` 4) the write itself merges: every 64 leaves written,
the writing transaction merges up to 64 leaves *per level of the index* (FTS5's work unit,
fixed at compile time). At 1,000,000 incidents that is a create in every ~64 paying for
300-400 leaves (25-130 ms of CPU under SQLite's write lock): the create's p99 (0090).

Now the index's options (stored by FTS5 in ``incidents_search_config``; set by migration
0021 and by ``create_index``) are:

- ``automerge`` 0: a write merges nothing incrementally;
- ``crisismerge`` ``CRISISMERGE``: a level that reaches this many segments is merged whole by
  the write that fills it. This bounds the index with no worker (at most 15 segments a level,
  a search stays fast); level 0's crisis is 16 one-leaf segments, about a millisecond;
- ``usermerge`` ``USERMERGE``: the level size at which the worker's merge steps start.

and ``steward worker`` runs ``Merger``, one thread per deployment (a lease): it takes
``merge`` steps of ``STEP_PAGES`` leaves, each its own short transaction in the writers'
queue, holding the write lock at most ``DUTY`` of the time (after a step of t seconds it
waits ``t × (1 − DUTY) / DUTY``), and looks again every ``INTERVAL`` seconds once a step
found nothing, without taking the lock unless the index changed since. A create then waits
at most one step; a backlog (a worker back after downtime) is merged at a quarter of the
lock, not in one go. PostgreSQL and in-memory SQLite: nothing starts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from steward.core import leases
from steward.incidents.selectors.search import TABLE

log = logging.getLogger("steward.search")

AUTOMERGE = 0
CRISISMERGE = 16
USERMERGE = 4
OPTIONS = {"automerge": AUTOMERGE, "crisismerge": CRISISMERGE, "usermerge": USERMERGE}
# FTS5's defaults, which migration 0021 puts back when unapplied
DEFAULTS = {"automerge": 4, "crisismerge": 16, "usermerge": 4}

STEP_PAGES = 32  # leaves a step writes: ~3 ms of CPU on this machine's idle core
DUTY = 0.25  # the share of the time the merger may hold the write lock
INTERVAL = 0.25  # seconds between two looks once there was nothing to merge
LEASE = "incidents-search-merge"
LEASE_TTL = dt.timedelta(seconds=60)
RENEW_EVERY = 20.0  # seconds: well inside the lease
RETRY = 5.0  # seconds before another try for a lease another worker holds
STOP_WAIT = 10.0  # seconds the worker's stop waits for the step in hand and the lease's return
STRUCTURE_ROWID = 10  # FTS5 keeps its segment list in this row of ``<table>_data``

_MERGE = f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('merge', %s)"  # noqa: S608


def configure(conn: BaseDatabaseWrapper, options: dict[str, int] = OPTIONS) -> None:
    """Set the index's merge options (FTS5 stores them in the table's ``_config`` row);
    nothing on PostgreSQL."""
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        for name, value in options.items():
            cursor.execute(
                f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES (%s, %s)",  # noqa: S608
                [name, value],
            )


def options(conn: BaseDatabaseWrapper) -> dict[str, int]:
    """The merge options stored in the index (an option never set is absent)."""
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT k, v FROM {TABLE}_config "  # noqa: S608 - the table's fixed name
            "WHERE k IN ('automerge', 'crisismerge', 'usermerge')"
        )
        return {k: int(v) for k, v in cursor.fetchall()}


def structure(conn: BaseDatabaseWrapper) -> bytes:
    """The index's structure record (its levels and segments) as bytes: it changes with
    every write and every merge, so an unchanged record means nothing new to merge."""
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT block FROM {TABLE}_data WHERE id = %s", [STRUCTURE_ROWID])  # noqa: S608
        row = cursor.fetchone()
    return bytes(row[0]) if row else b""


def merge_step(conn: BaseDatabaseWrapper, pages: int = STEP_PAGES) -> bool:
    """One ``merge`` of about ``pages`` leaves in a transaction of its own; True when it
    merged something. FTS5 merges only a level holding ``usermerge`` segments or one with a
    merge under way; a step that found nothing changes nothing (FTS5's own test: fewer than
    two rows changed)."""
    # as ``atomic`` opens a transaction (on SQLite: ``BEGIN IMMEDIATE`` after the writers'
    # queue), on whichever connection is given
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        raw = conn.connection
        before = raw.total_changes
        with conn.cursor() as cursor:
            cursor.execute(_MERGE, [pages])
        merged = raw.total_changes - before >= 2  # noqa: PLR2004 - FTS5's documented test
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.set_autocommit(True)
    return merged


def segments(conn: BaseDatabaseWrapper) -> int:
    """The index's segments, from its structure record: a 4-byte cookie, (FTS5 3.45+: a
    4-byte version-2 marker), then varints: levels, segments (FTS5's ``fts5_index.c``)."""
    blob = structure(conn)
    at = 8 if blob[4:8] == b"\xff\x00\x00\x01" else 4
    values = []
    while len(values) < 2:  # noqa: PLR2004 - levels, segments
        value = 0
        while True:
            byte = blob[at]
            at += 1
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:  # noqa: PLR2004
                break
        values.append(value)
    return values[1]


def _default() -> BaseDatabaseWrapper:
    return connections["default"]  # the calling thread's own connection


class Merger(threading.Thread):
    """Until stopped, merges the index in paced steps while it holds the lease."""

    def __init__(
        self,
        connect: Callable[[], BaseDatabaseWrapper] = _default,
        interval: float = INTERVAL,
        pages: int = STEP_PAGES,
        duty: float = DUTY,
    ) -> None:
        super().__init__(name="search-merger", daemon=True)
        self.connect, self.interval, self.pages, self.duty = connect, interval, pages, duty
        self.stopping = threading.Event()
        self.steps = 0
        self.token: str | None = None
        self.renewed = 0.0
        self.idle_shape: bytes | None = None

    def run(self) -> None:
        connection = self.connect()
        try:
            delay = 0.0
            while not self.stopping.wait(delay):
                delay = self.round(connection)
        finally:
            self.release()
            connection.close()

    def holds_lease(self) -> bool:
        """Take the lease if free, renew it when due; False while another worker holds it."""
        now = time.monotonic()
        try:
            if self.token is None:
                self.token = leases.acquire(LEASE, LEASE_TTL)
                self.renewed = now
            elif now - self.renewed >= RENEW_EVERY:
                leases.renew(LEASE, self.token, LEASE_TTL)
                self.renewed = now
        except leases.LeaseLost:
            self.token = None
        return self.token is not None

    def release(self) -> None:
        if self.token is not None:
            try:
                leases.release(LEASE, self.token)
            except DatabaseError:  # the lease expires on its own
                log.warning("search merger's lease not released", exc_info=True)
            self.token = None

    def round(self, connection: BaseDatabaseWrapper) -> float:
        """One look, at most one step; the seconds to wait before the next."""
        if connection.vendor != "sqlite" or connection.is_in_memory_db():
            return self.interval
        try:
            if self.idle_shape is not None and structure(connection) == self.idle_shape:
                return self.interval  # nothing written since the last step found nothing
            if not self.holds_lease():
                return RETRY
            began = time.perf_counter()
            if merge_step(connection, self.pages):
                self.steps += 1
                self.idle_shape = None
                held = time.perf_counter() - began
                return held * (1 - self.duty) / self.duty
            self.idle_shape = structure(connection)
        except DatabaseError:  # a file gone, a busy timeout: try next time
            log.warning("search merge step failed", exc_info=True)
        return self.interval

    def stop(self) -> None:
        self.stopping.set()


_running: Merger | None = None
_mutex = threading.Lock()


def start() -> Merger | None:
    """The worker's startup hook (each consumer thread calls it): one merger thread per
    process when the database is a SQLite file; the lease leaves one merging."""
    global _running  # noqa: PLW0603 - one thread per process
    connection = connections["default"]
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    with _mutex:
        if _running is None or not _running.is_alive():
            _running = Merger()
            _running.start()
        return _running


def stop() -> None:
    """The worker's shutdown hook: the thread ends after the step in hand, giving the
    lease back, and the hook waits for that. The thread is a daemon: once huey's worker
    threads have ended, the process exits and would cut it off between its last step and
    the lease's release, leaving the lease held for ``LEASE_TTL`` (stop 39's CI)."""
    with _mutex:
        merger = _running
    if merger is not None:
        merger.stop()
        if merger is not threading.current_thread():
            merger.join(STOP_WAIT)
