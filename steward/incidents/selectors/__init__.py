"""Every read of incidents, scoped to what the actor may see (one module per sub-domain)."""

from steward.incidents.selectors.classification import (
    category_by_slug,
    category_choices,
    category_list,
    category_suggest,
    priority_for,
    priority_matrix,
)
from steward.incidents.selectors.configuration import (
    CategoryNode,
    category_get,
    category_parents,
    category_rows,
    category_tree,
    escalation_rule_get,
    escalation_rule_list,
    escalation_rule_rows,
    team_assignment_modes,
)
from steward.incidents.selectors.created import incident_created
from steward.incidents.selectors.home import (
    TeamWorkload,
    incident_open_for_caller,
    led_teams,
    team_workload,
)
from steward.incidents.selectors.page import incident_page
from steward.incidents.selectors.permissions import (
    IncidentCapabilities,
    Move,
    incident_assignable_to_self,
    incident_capabilities,
    incident_moves,
    incidents_selectable,
    incidents_takeable,
)
from steward.incidents.selectors.queue_subjects import queue_filter_subjects
from steward.incidents.selectors.queues import (
    BREACHING_SOON_MINUTES,
    ORDERS,
    QUEUES,
    incident_list,
    incident_overview,
)
from steward.incidents.selectors.records import (
    REQUESTER_MOVES,
    attach_sla,
    incident_allowed_transitions,
    incident_for_update,
    incident_get,
    incident_recent_for_caller,
    incident_ref,
    incident_suggest,
    incident_visible,
)
from steward.incidents.selectors.rows import incident_shown
from steward.incidents.selectors.saved_views import saved_views
from steward.incidents.selectors.timeline import (
    incident_activity_page,
    incident_comment_page,
    incident_comments,
    incident_timeline,
)

__all__ = [
    "category_by_slug",
    "category_choices",
    "CategoryNode",
    "category_get",
    "category_parents",
    "category_rows",
    "category_tree",
    "escalation_rule_get",
    "escalation_rule_list",
    "escalation_rule_rows",
    "team_assignment_modes",
    "TeamWorkload",
    "incident_open_for_caller",
    "led_teams",
    "team_workload",
    "BREACHING_SOON_MINUTES",
    "IncidentCapabilities",
    "Move",
    "ORDERS",
    "QUEUES",
    "REQUESTER_MOVES",
    "attach_sla",
    "category_list",
    "category_suggest",
    "incident_allowed_transitions",
    "incident_assignable_to_self",
    "incident_capabilities",
    "incident_activity_page",
    "incident_comment_page",
    "incident_comments",
    "incident_for_update",
    "incident_created",
    "incident_get",
    "incident_list",
    "incident_moves",
    "incident_overview",
    "incident_page",
    "incident_recent_for_caller",
    "incident_ref",
    "incident_shown",
    "incident_timeline",
    "incident_suggest",
    "incident_visible",
    "incidents_selectable",
    "incidents_takeable",
    "priority_for",
    "priority_matrix",
    "queue_filter_subjects",
    "saved_views",
]
