"""Every read of the catalogue, its requests, approvals and tasks, scoped to the actor."""

from steward.catalog.selectors.activity import comment_page, timeline
from steward.catalog.selectors.answers import Answer, request_answers
from steward.catalog.selectors.permissions import (
    TaskCapabilities,
    can_cancel_request,
    can_decide,
    can_work_task,
    task_capabilities,
)
from steward.catalog.selectors.portfolio import (
    item_categories,
    item_get,
    item_list,
    item_orderable,
    item_visible,
    search_items,
    service_get,
    service_list,
    service_visible,
)
from steward.catalog.selectors.requests import (
    approvals_waiting,
    request_approvals,
    request_created,
    request_for_update,
    request_get,
    request_list,
    request_tasks,
    request_visible,
    task_for_update,
    task_get,
    task_list,
    task_visible,
)

__all__ = [
    "Answer",
    "request_answers",
    "TaskCapabilities",
    "approvals_waiting",
    "can_cancel_request",
    "can_decide",
    "can_work_task",
    "comment_page",
    "item_categories",
    "item_get",
    "item_list",
    "item_orderable",
    "item_visible",
    "request_approvals",
    "request_created",
    "request_for_update",
    "request_get",
    "request_list",
    "request_tasks",
    "request_visible",
    "search_items",
    "service_get",
    "service_list",
    "service_visible",
    "task_capabilities",
    "task_for_update",
    "task_get",
    "task_list",
    "task_visible",
    "timeline",
]
