"""A dispatch at the moment a failed delivery is due again.

A mail or outbox event that failed waits out its backoff (``steward/core/retries.py``).
Nothing else would try it at that moment: the next write's wake-up may never come (the
writes stopped) and the minute sweep is up to a minute late, longer than the first
backoffs. So after each failure the worker asks huey for one dispatch at the retry time,
rounded up to the next whole second: rows that failed together (SMTP down) share one
scheduled dispatch. A process remembers the seconds it has asked for, so a hundred failed
mails schedule at most one dispatch per second of their spread; another process asking
for the same second costs one dispatch that finds nothing due. The schedule lives in
huey's storage (SQLite or Redis), so a worker killed after asking still runs it when it
is started again; the minute sweep stays the backstop (decision 0059).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time

log = logging.getLogger("steward.outbox")
_asked: set[int] = set()  # epoch seconds this process has scheduled a dispatch for
_lock = threading.Lock()


def dispatch_at(when: dt.datetime | None) -> None:
    """Make sure a dispatch runs at ``when`` (rounded up to the second); ``None`` (a row
    dead-lettered, nothing to retry) asks for nothing."""
    if when is None:
        return
    second = math.ceil(when.timestamp())
    now = time.time()
    with _lock:
        for past in [s for s in _asked if s < now]:
            _asked.discard(past)
        if second in _asked:
            return
        _asked.add(second)
    from steward.core.tasks import dispatch_outbox

    try:
        dispatch_outbox.schedule(eta=dt.datetime.fromtimestamp(second, dt.UTC))
    except Exception:  # the minute sweep will try the row
        with _lock:
            _asked.discard(second)
        log.warning("could not schedule the retry dispatch at %s", when, exc_info=True)


def forget() -> None:
    """Tests: start without the seconds an earlier test asked for."""
    with _lock:
        _asked.clear()
