"""Retries of what is delivered at least once (outbox events, mail): exponential backoff with
jitter up to a horizon, then a dead letter an administrator sees and can retry.

After the n-th failure a row waits 30 s (``STEWARD_DELIVERY_RETRY_BASE_SECONDS``) × 2ⁿ⁻¹,
capped at an hour, times a random factor between ½ and 1 (so rows that failed together, say
while SMTP was down, do not all come back in the same second). It is tried until
``settings.DELIVERY_RETRY_HORIZON`` has passed since its first failure (the last try falls
at the horizon), then ``dead_at`` is set and no sweep takes it again until an administrator
retries it (``reset``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

BASE_DELAY: dt.timedelta = settings.DELIVERY_RETRY_BASE_DELAY  # 30 s by default
MAX_DELAY = dt.timedelta(hours=1)
_random = secrets.SystemRandom()


def backoff(failures: int) -> dt.timedelta:
    """The wait after the ``failures``-th failure in a row, jitter included."""
    ceiling = min(MAX_DELAY, BASE_DELAY * 2 ** min(max(failures, 1) - 1, 16))
    return ceiling * _random.uniform(0.5, 1.0)


def due(now: dt.datetime) -> Q:
    """Rows a sweep may try now: not dead-lettered and not waiting out a backoff."""
    return Q(dead_at__isnull=True) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def after_failure(
    *, failures: int, failing_since: dt.datetime | None, now: dt.datetime
) -> dict[str, Any]:
    """The retry fields after a failed attempt (``failures`` counts it): the next attempt, or
    the dead letter once the horizon since the first failure has passed."""
    since = failing_since or now
    end = since + settings.DELIVERY_RETRY_HORIZON
    if now >= end:
        return {"failing_since": since, "next_attempt_at": None, "dead_at": now}
    return {
        "failing_since": since,
        "next_attempt_at": min(now + backoff(failures), end),
        "dead_at": None,
    }


AFTER_SUCCESS: dict[str, Any] = {"failing_since": None, "next_attempt_at": None, "dead_at": None}


def reset(rows: QuerySet, **extra: Any) -> int:
    """An administrator's retry: the rows are due now, with a fresh horizon and backoff."""
    return rows.update(attempts=0, **AFTER_SUCCESS, **extra)
