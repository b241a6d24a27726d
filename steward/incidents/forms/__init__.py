"""Incident web forms, one module per page group (records and queue; administration). The
package re-exports every form, so views write ``from steward.incidents.forms import
UpdateForm`` whatever module it lives in."""

from steward.incidents.forms.configuration import (
    CategoryForm,
    EscalationRuleForm,
    PriorityMatrixForm,
    TeamAssignmentForm,
)
from steward.incidents.forms.records import (
    BulkForm,
    CommentForm,
    IncidentForm,
    QueueFilterForm,
    SavedViewForm,
    UpdateForm,
)

__all__ = [
    "BulkForm",
    "CategoryForm",
    "CommentForm",
    "EscalationRuleForm",
    "IncidentForm",
    "PriorityMatrixForm",
    "QueueFilterForm",
    "SavedViewForm",
    "TeamAssignmentForm",
    "UpdateForm",
]
