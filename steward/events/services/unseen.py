"""Clears of occurrences Steward never raised, remembered a while (decision 0124).

A resolved that reaches Steward with nothing live (Steward was down, or the firing was lost,
when the firing was sent) closed nothing and was remembered nowhere, so the firing's late
retry raised the alert, which then stayed open until the expiry. Such a clear is kept, by
its fingerprint and its occurrence's start, for ``REMEMBERED``: a firing of that occurrence
(started no later) arriving in that time is a late delivery, ignored; a new occurrence
(a later start) raises as always. Only clears that can order their firings are kept: those
with a start (Alertmanager's ``startsAt``) and those whose key names one occurrence (Zabbix's
problem id), so a generic sender's clear of nothing still writes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.events.models import UnseenClear

# a day: a sender retries a notification for minutes (Alertmanager until its group_interval),
# an outage of Steward lasts hours; the row count stays that of a day's clears of nothing
REMEMBERED = dt.timedelta(days=1)


def clear_remember(
    fingerprint: str,
    *,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """Keep a clear that closed nothing; its retries are one row (the unique constraint)."""
    UnseenClear.objects.get_or_create(
        fingerprint=fingerprint,
        started_at=started_at,
        defaults={"ended_at": ended_at, "received_at": now},
    )


def clears_forget(*, now: dt.datetime | None = None) -> int:
    """Delete the clears remembered longer than ``REMEMBERED`` (the periodic housekeeping
    with the alerts' expiry); the firing's check ignores them already. Returns how many."""
    cutoff = (now or timezone.now()) - REMEMBERED
    deleted, _ = UnseenClear.objects.filter(received_at__lt=cutoff).delete()
    return deleted
