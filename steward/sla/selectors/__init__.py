"""Every read of SLA configuration and clocks, scoped to the actor; ``business_time`` is the
pure arithmetic on calendars that these reads and the services both compute with."""

from steward.sla.selectors.access import SlaCapabilities, sla_capabilities, time_zone_names
from steward.sla.selectors.calendars import (
    SpecCache,
    calendar_get,
    calendar_holidays_ahead,
    calendar_list,
    calendar_spec,
    calendar_upcoming_holidays,
    calendar_visible,
    end_minute,
    weekly_hours,
)
from steward.sla.selectors.clocks import (
    ClockStatus,
    clock_elapsed,
    clock_statuses,
    clock_statuses_by_id,
    clocks_for,
    clocks_for_many,
    kind_order,
    record_ref,
)
from steward.sla.selectors.policies import (
    CONDITIONS,
    policy_for,
    policy_get,
    policy_list,
    policy_matches,
    policy_visible,
)

__all__ = [
    "CONDITIONS",
    "ClockStatus",
    "SlaCapabilities",
    "SpecCache",
    "calendar_get",
    "calendar_holidays_ahead",
    "calendar_list",
    "calendar_spec",
    "calendar_upcoming_holidays",
    "calendar_visible",
    "clock_elapsed",
    "clocks_for",
    "clock_statuses",
    "clock_statuses_by_id",
    "clocks_for_many",
    "end_minute",
    "kind_order",
    "policy_for",
    "policy_get",
    "policy_list",
    "policy_matches",
    "policy_visible",
    "record_ref",
    "sla_capabilities",
    "time_zone_names",
    "weekly_hours",
]
