"""Every write use case of changes: one function each, transactional, checked, audited."""

from steward.changes.services.approvals import (
    approval_decide,
    approval_decide_by_link,
    approval_link_read,
    approval_link_token,
    approvals_remind,
    approvals_request,
)
from steward.changes.services.config import (
    feed_token_issue,
    freeze_create,
    freeze_update,
    template_create,
    template_update,
)
from steward.changes.services.delegations import (
    delegation_create,
    delegation_delete,
    delegation_update,
)
from steward.changes.services.records import (
    ScheduleConflict,
    change_comment,
    change_create,
    change_update,
)
from steward.changes.services.reviews import change_review

__all__ = [
    "ScheduleConflict",
    "approval_decide",
    "approval_decide_by_link",
    "approval_link_read",
    "approval_link_token",
    "approvals_remind",
    "approvals_request",
    "change_comment",
    "change_create",
    "change_review",
    "change_update",
    "delegation_create",
    "delegation_delete",
    "delegation_update",
    "feed_token_issue",
    "freeze_create",
    "freeze_update",
    "template_create",
    "template_update",
]
