"""Every read of event management, scoped to what the actor may see."""

from steward.events.selectors.alerts import (
    alert_for_update,
    alert_get,
    alert_list,
    alert_visible,
    live_alert_for_update,
)
from steward.events.selectors.history import alert_history, alert_moves
from steward.events.selectors.matching import (
    ci_for_node,
    cleared_last,
    cleared_unseen,
    in_maintenance,
    last_closed_flaps,
    maintenance_change,
)
from steward.events.selectors.permissions import can_change_window, can_read, can_work
from steward.events.selectors.windows import (
    mark_in_maintenance,
    window_covering,
    window_get,
    window_list,
    window_visible,
)

__all__ = [
    "alert_for_update",
    "alert_get",
    "alert_history",
    "alert_list",
    "alert_moves",
    "alert_visible",
    "can_read",
    "can_work",
    "can_change_window",
    "ci_for_node",
    "cleared_last",
    "cleared_unseen",
    "in_maintenance",
    "last_closed_flaps",
    "live_alert_for_update",
    "maintenance_change",
    "mark_in_maintenance",
    "window_covering",
    "window_get",
    "window_list",
    "window_visible",
]
