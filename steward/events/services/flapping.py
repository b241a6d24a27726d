"""Flapping: an alert whose condition changes state (raised, cleared) more than
``STEWARD_EVENT_FLAP_CHANGES`` times within ``STEWARD_EVENT_FLAP_MINUTES`` is flapping
until it has been stable that long: it opens no incident and notes no clear meanwhile
(docs/events.md, decision 0105).

A clear closes an alert and the next event raises a new one, so the history is the
fingerprint's: a new alert starts from its last closed alert's (one indexed read on the
insert; a repeat reads nothing), a clear adds to the closing alert's in its own update.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Flaps:
    """An alert's flapping state after a state change."""

    changes: list[str]
    until: dt.datetime | None
    started: bool  # this change made it flapping


def enabled() -> bool:
    return settings.EVENT_FLAP_CHANGES > 0


def period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.EVENT_FLAP_MINUTES)


def _times(changes: object) -> list[dt.datetime]:
    """The stored times, tolerating anything unreadable (a hand-edited row) as absent."""
    found = []
    for text in changes if isinstance(changes, list) else []:
        try:
            found.append(dt.datetime.fromisoformat(str(text)))
        except ValueError:
            continue
    return found


def state_changed(changes: object, until: dt.datetime | None, now: dt.datetime) -> Flaps:
    """The history after one more state change at ``now``: the changes within the period
    (at most the limit plus this one), flapping while more than the limit fall in it, or
    while it was flapping already (each change moves its end a period on)."""
    if not enabled():
        return Flaps([], None, False)
    limit, span = settings.EVENT_FLAP_CHANGES, period()
    kept = [t for t in _times(changes) if now - span < t <= now][-limit:]
    kept.append(now)
    was = until is not None and until > now
    if was or len(kept) > limit:
        return Flaps([t.isoformat() for t in kept], now + span, not was)
    return Flaps([t.isoformat() for t in kept], None, False)
