"""The writer queue: an exclusive ``flock`` on a file beside the database, held from just
before ``BEGIN IMMEDIATE`` until the transaction ends (docs/decisions/0060).

Why: SQLite's own busy handler makes a writer that finds the write lock taken *sleep* in
growing steps (up to 100 ms) and poll; under four concurrent writers an unlucky one sleeps
50–100 ms again and again, which was the whole p99 of a create on SQLite. A writer blocked
in ``flock`` is woken by the kernel the moment the holder unlocks, so it takes SQLite's
lock right after the previous COMMIT. The kernel also drops the lock of a process that dies
(even SIGKILL): a crash cannot wedge the queue.

One open file description per connection (``os.open`` per ``WriterQueue``): flock locks
belong to the description, so two threads of one process, each with its own connection,
queue too, and a description inherited over ``fork`` is never used by the child.
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.db.utils import OperationalError

LOCK_SUFFIX = "-writers.lock"


def _open_beside(path: str, database: str) -> int:
    """Open (or make) the lock file with the database file's permissions, and when root
    makes it (``steward migrate`` run by root), give it to the database's owner: SQLite
    does the same for its -wal and -shm files, so the server's user can still open it.
    Read-only is enough for ``flock``."""
    try:
        made = os.stat(database)
    except FileNotFoundError:
        made = None
    mode = made.st_mode & 0o666 if made else 0o644
    fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, mode)
    if made and os.geteuid() == 0 and os.fstat(fd).st_uid != made.st_uid:
        os.fchown(fd, made.st_uid, made.st_gid)
    return fd


class WriterQueue:
    """One connection's place in the queue of writers of one database file."""

    def __init__(self, database: str, timeout: float) -> None:
        self.database = database
        self.path = database + LOCK_SUFFIX
        self.timeout = timeout
        self.held = False
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        """Wait for the lock, at most ``timeout`` seconds; then raise what SQLite's busy
        timeout raises today, so callers see no new kind of failure."""
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._wait(fd)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Drop the descriptor (closing it releases the lock as well)."""
        self.held = False
        fd, self._fd = self._fd, None
        if fd is not None and self._pid == os.getpid():
            os.close(fd)

    def _descriptor(self) -> int:
        if self._fd is not None and self._pid != os.getpid():
            # inherited over fork: it shares the parent's lock, so unlocking or closing it
            # here could free the parent's place; forget it and open our own
            self._fd = None
        if self._fd is None:
            self._fd, self._pid = _open_beside(self.path, self.database), os.getpid()
        return self._fd

    def _wait(self, fd: int) -> None:
        """A blocking ``flock`` cannot be given a timeout and, outside the main thread, no
        signal interrupts it; so a helper thread makes the blocking call and this thread
        waits for it with a bound. Only contended acquisitions pay for the thread."""
        waiter = _Waiter(fd)
        waiter.start()
        if waiter.done.wait(self.timeout):
            waiter.raise_error()
            return
        with waiter.mutex:
            if waiter.done.is_set():  # it got the lock just as the bound ran out
                waiter.raise_error()
                return
            # the helper keeps blocking; it owns the descriptor from now on and closes it
            # (freeing the lock) when it gets it. The next acquire opens a fresh one.
            waiter.abandoned = True
            self._fd = None
        raise OperationalError("database is locked")


class _Waiter(threading.Thread):
    def __init__(self, fd: int) -> None:
        super().__init__(name="sqlite-writer-queue", daemon=True)
        self.fd = fd
        self.done = threading.Event()
        self.mutex = threading.Lock()
        self.abandoned = False
        self.error: OSError | None = None

    def run(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError as exc:  # e.g. EDEADLK, ENOLCK: reported to the waiting connection
            self.error = exc
        with self.mutex:
            if self.abandoned:
                os.close(self.fd)
                return
            self.done.set()

    def raise_error(self) -> None:
        if self.error is not None:
            raise OperationalError(f"database write queue: {self.error}") from self.error
