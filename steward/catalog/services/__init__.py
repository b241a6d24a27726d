"""Every write of the catalogue: one function per use case, transactional, checked, audited."""

from steward.catalog.services.approvals import approval_decide
from steward.catalog.services.portfolio import (
    item_create,
    item_update,
    service_create,
    service_update,
)
from steward.catalog.services.requests import request_cancel, request_comment, request_order
from steward.catalog.services.tasks import task_comment, task_complete, task_take, task_update

__all__ = [
    "approval_decide",
    "item_create",
    "item_update",
    "request_cancel",
    "request_comment",
    "request_order",
    "service_create",
    "service_update",
    "task_comment",
    "task_complete",
    "task_take",
    "task_update",
]
