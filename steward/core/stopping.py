"""A graceful stop of the worker, as the jobs see it.

huey's consumer handles SIGTERM (``graceful_signal: TERM`` in ``settings.HUEY``) by letting
the running tasks finish; a task that walks a long batch (the outbox sweep sending 200
mails over a slow SMTP server, a poll fetching 200 messages) would run on until the
supervisor kills it, leaving the claim of whatever it was sending to expire. The consumer
made here sets ``STOPPING`` first, so such loops end after the item in hand, and the worker
threads' shutdown hooks give back what they still hold (``steward/core/mail.py``).

Import-light on purpose: ``settings.HUEY`` names the classes below, so djhuey imports this
module before the apps are ready.
"""

from __future__ import annotations

import threading
from typing import Any

from huey import RedisHuey as _RedisHuey
from huey import SqliteHuey as _SqliteHuey
from huey.consumer import Consumer

STOPPING = threading.Event()


def requested() -> bool:
    """Whether this process is stopping: finish the item in hand, start no new one."""
    return STOPPING.is_set()


class GracefulConsumer(Consumer):
    """huey's consumer, telling the jobs when it starts to stop."""

    def stop(self, graceful: bool = False) -> None:
        STOPPING.set()
        super().stop(graceful=graceful)


class _Graceful:
    def create_consumer(self, **options: Any) -> Consumer:
        return GracefulConsumer(self, **options)


class RedisHuey(_Graceful, _RedisHuey):
    """``huey.RedisHuey`` with the graceful consumer."""


class SqliteHuey(_Graceful, _SqliteHuey):
    """``huey.SqliteHuey`` with the graceful consumer."""
