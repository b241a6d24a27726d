"""What an actor may do with SLA configuration: the pages show their buttons from this."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from steward.core.actor import Actor


@dataclass(frozen=True)
class SlaCapabilities:
    """``can_view``: agents read calendars and policies (requesters do not, not even their
    existence); ``can_edit``: only administrators add and change them (the services check
    the same, this only decides what is offered)."""

    can_view: bool
    can_edit: bool


def sla_capabilities(actor: Actor | None) -> SlaCapabilities:
    if actor is None:
        return SlaCapabilities(can_view=False, can_edit=False)
    return SlaCapabilities(can_view=actor.is_agent, can_edit=actor.is_admin)


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted: the suggestions of a calendar's time zone field."""
    return tuple(sorted(zoneinfo.available_timezones()))
