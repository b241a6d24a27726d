"""SQLite's WAL checkpoints out of the requests: the worker's checkpointer (decision 0090).

In WAL mode every commit appends the pages it changed to ``<database>-wal``; a checkpoint
copies them back into the database file. By default SQLite runs one inside the commit that
takes the log past 1,000 pages, so a create (about 50 pages) paid for 19 others' pages every
twentieth time: at 1,000,000 incidents those pages lie scattered over a large file and that
commit was the create's tail.

Now every connection's ``wal_autocheckpoint`` is ``WAL_BOUND_PAGES`` (Steward's SQLite
engine sets it, ``base.py``) and the worker runs a thread of its own that looks at the log
every ``INTERVAL`` seconds and, once ``CHECKPOINT_PAGES`` frames wait, runs a ``PASSIVE``
checkpoint: SQLite's cadence, outside the requests. A checkpoint takes no write lock: the
writers go on appending while it copies. Nothing committed depends on it (a commit is
durable once its frames are synced in the log; SQLite replays the log when a crashed
process's database is next opened), so a killed worker loses nothing. Without a worker the
bound still holds: the commit that takes the log past ``WAL_BOUND_PAGES`` checkpoints it,
as SQLite did at 1,000.
"""

from __future__ import annotations

import logging
import os
import struct
import threading
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger("steward.sqlite")

# ~40 MB of 4 KiB pages: the log's size at which a writer checkpoints it itself (no worker)
WAL_BOUND_PAGES = 10_000
# frames waiting in the log that make the worker checkpoint (SQLite's own default), and the
# seconds between two looks: at ~10,000 pages a second (two hundred creates) a checkpoint
# starts with about 2,000 pages waiting, well under the bound
CHECKPOINT_PAGES = 1_000
INTERVAL = 0.1


def checkpoint(connection: BaseDatabaseWrapper) -> tuple[int, int] | None:
    """A ``PASSIVE`` checkpoint through ``connection`` (it waits for no one): the log's
    frames and how many of them are now in the database file; None when there is no log."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        _busy, frames, copied = cursor.fetchone()
    return frames, copied


# The ``-shm`` files read, each opened once and never closed: closing any descriptor of a
# file drops every POSIX lock this process holds on it, and SQLite's WAL locks (its readers'
# and writer's) are POSIX locks on ``-shm``. An open-read-close every look released the
# locks of the worker's other connections: another process then checkpointed or restarted
# the log under a reader that still used it, and the database was corrupted (decision 0106).
_shm: dict[str, int] = {}
_shm_mutex = threading.Lock()


def _shm_fd(path: str) -> int | None:
    with _shm_mutex:
        fd = _shm.get(path)
        try:
            if fd is not None and os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
            # first look, or the file was made again (a new inode): the old descriptor is
            # kept open too, as closing it could still drop a lock on the old inode
            _shm[path] = fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        return fd


def waiting_frames(database: str) -> int:
    """Frames in the log not yet copied back, from the WAL index header in ``<db>-shm``
    (SQLite's documented format: ``mxFrame`` at byte 16, ``nBackfill`` at 96, native byte
    order); 0 when there is no log. Read without a lock (an estimate is all it serves) and
    through a descriptor kept open (``_shm``)."""
    fd = _shm_fd(f"{database}-shm")
    if fd is None:
        return 0
    header = os.pread(fd, 100, 0)
    if len(header) < 100:  # noqa: PLR2004 - the header's two copies and the checkpoint info
        return 0
    (frames,), (copied,) = (
        struct.unpack_from("=I", header, 16),
        struct.unpack_from("=I", header, 96),
    )
    return frames - copied if frames >= copied else frames


def _default() -> BaseDatabaseWrapper:
    return connections["default"]  # the calling thread's own connection


class Checkpointer(threading.Thread):
    """Until stopped, checkpoints whenever ``pages`` frames wait in the log (looking every
    ``interval`` seconds), on a connection of its own (``connect`` runs in the thread)."""

    def __init__(
        self,
        connect: Callable[[], BaseDatabaseWrapper] = _default,
        interval: float = INTERVAL,
        pages: int = CHECKPOINT_PAGES,
    ) -> None:
        super().__init__(name="sqlite-checkpointer", daemon=True)
        self.connect, self.interval, self.pages = connect, interval, pages
        self.stopping = threading.Event()
        self.checkpoints = 0

    def run(self) -> None:
        connection = self.connect()
        try:
            while not self.stopping.wait(self.interval):
                self.round(connection)
        finally:
            connection.close()

    def round(self, connection: BaseDatabaseWrapper) -> None:
        if connection.is_in_memory_db():
            return
        if waiting_frames(str(connection.settings_dict["NAME"])) < self.pages:
            return
        try:
            checkpoint(connection)
            self.checkpoints += 1
        except DatabaseError:  # a file gone, an I/O error: try next time
            log.warning("WAL checkpoint failed", exc_info=True)

    def stop(self) -> None:
        self.stopping.set()


_running: Checkpointer | None = None
_mutex = threading.Lock()


def start() -> Checkpointer | None:
    """The worker's startup hook (each consumer thread calls it): one checkpointer per
    process, when the database is a SQLite file."""
    global _running  # noqa: PLW0603 - one thread per process
    connection = connections["default"]
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    with _mutex:
        if _running is None or not _running.is_alive():
            _running = Checkpointer()
            _running.start()
        return _running


def stop() -> None:
    """The worker's shutdown hook: the thread ends after the checkpoint in hand."""
    with _mutex:
        if _running is not None:
            _running.stop()
