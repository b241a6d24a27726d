"""Every write use case of incidents: one function each, transactional, checked, audited."""

from steward.incidents.services.configuration import (
    category_create,
    category_update,
    escalation_rule_create,
    escalation_rule_update,
    priority_matrix_update,
    team_assignment_update,
)
from steward.incidents.services.housekeeping import incidents_auto_close
from steward.incidents.services.records import (
    AGENT_FIELDS,
    AUDITED,
    incident_comment,
    incident_create,
    incident_settings,
    incident_update,
)
from steward.incidents.services.reporting import incident_report
from steward.incidents.services.saved_views import saved_view_delete, saved_view_save
from steward.incidents.services.take import incident_assign_to_self, incident_take
from steward.incidents.services.watchers import incident_watchers_add

__all__ = [
    "AGENT_FIELDS",
    "AUDITED",
    "category_create",
    "category_update",
    "escalation_rule_create",
    "escalation_rule_update",
    "priority_matrix_update",
    "team_assignment_update",
    "incident_comment",
    "incident_create",
    "incident_report",
    "incident_settings",
    "incident_assign_to_self",
    "incident_take",
    "incident_update",
    "incident_watchers_add",
    "incidents_auto_close",
    "saved_view_delete",
    "saved_view_save",
]
