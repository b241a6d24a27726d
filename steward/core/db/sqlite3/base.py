"""Django's SQLite ``DatabaseWrapper`` that queues writers before ``BEGIN IMMEDIATE``.

Django starts every outermost ``atomic`` on SQLite with ``_start_transaction_under_autocommit``
(the connection stays in sqlite3's autocommit mode and issues ``BEGIN IMMEDIATE`` itself);
that is where the queue is joined. Nested blocks only add savepoints and never get here, so
the lock is taken once per transaction. It is left when SQLite says no transaction is open
any more: after COMMIT or ROLLBACK (whether they succeed or raise), when autocommit is put
back at the end of the outermost block, and when the connection closes.

Not queued (they keep SQLite's busy timeout): single statements in autocommit, and
in-memory databases (the test suite's), which have no file to put a lock beside.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db.backends.sqlite3 import base

from steward.core.db.sqlite3.upkeep import WAL_BOUND_PAGES
from steward.core.db.sqlite3.writers import LOCK_SUFFIX, WriterQueue

__all__ = ["LOCK_SUFFIX", "DatabaseWrapper"]


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writers: WriterQueue | None = None
        self._writers_name: object = None

    def writer_queue(self) -> WriterQueue | None:
        """This connection's queue, or None when there is none to join. Worked out on use,
        not at init: the test runner renames the database after the wrapper exists."""
        name = self.settings_dict["NAME"]
        if self._writers_name != name:
            if self._writers is not None:
                self._writers.close()
            self._writers, self._writers_name = _queue_for(self, name), name
        return self._writers

    def get_new_connection(self, conn_params: dict):  # noqa: ANN201 - sqlite3.Connection
        """The log is checkpointed by the worker, not in a commit that crosses 1,000 pages;
        a commit checkpoints it only past the bound (steward/core/db/sqlite3/upkeep.py)."""
        conn = super().get_new_connection(conn_params)
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_BOUND_PAGES}")
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        queue = self.writer_queue() if self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE") else None
        if queue is None:  # DEFERRED transactions may only read: no writer to queue
            return super()._start_transaction_under_autocommit()
        queue.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            queue.release()
            raise

    def _commit(self) -> None:
        try:
            return super()._commit()
        finally:
            self._leave_queue_if_done()

    def _rollback(self) -> None:
        try:
            return super()._rollback()
        finally:
            self._leave_queue_if_done()

    def _set_autocommit(self, autocommit: bool) -> None:
        super()._set_autocommit(autocommit)
        if autocommit:
            self._leave_queue_if_done()

    def _close(self) -> None:
        try:
            return super()._close()
        finally:
            if self._writers is not None:
                self._writers.close()

    def _leave_queue_if_done(self) -> None:
        """A COMMIT that failed leaves the transaction open (Django rolls it back next):
        keep our place until SQLite has really let go of its lock."""
        queue = self._writers
        if queue is None or not queue.held:
            return
        if self.connection is None or not self.connection.in_transaction:
            queue.release()


def _queue_for(wrapper: DatabaseWrapper, name: object) -> WriterQueue | None:
    if not name or wrapper.is_in_memory_db():
        return None
    path = str(name)
    if path.startswith("file:"):  # a URI filename (``OPTIONS["uri"]``): its path part
        path = urlsplit(path).path
    timeout = float(wrapper.settings_dict["OPTIONS"].get("timeout", 5))
    return WriterQueue(path, timeout)
