"""Every write use case of the SLA engine: configuration, clocks, and the sweep."""

from steward.sla.services.batch import ClockBatch
from steward.sla.services.calendars import calendar_create, calendar_update
from steward.sla.services.clocks import (
    clock_reopen,
    clock_stop,
    clocks_pause,
    clocks_planned,
    clocks_recompute,
    clocks_resume,
    clocks_start,
    clocks_write,
)
from steward.sla.services.events import SweepResult, sla_sweep
from steward.sla.services.holidays import public_holidays_fill
from steward.sla.services.policies import policy_create, policy_update

__all__ = [
    "ClockBatch",
    "SweepResult",
    "calendar_create",
    "calendar_update",
    "clock_reopen",
    "clock_stop",
    "clocks_pause",
    "clocks_planned",
    "clocks_recompute",
    "clocks_resume",
    "clocks_start",
    "clocks_write",
    "policy_create",
    "policy_update",
    "public_holidays_fill",
    "sla_sweep",
]
