"""Catalogue routes: services, items, requests (with approval decisions) and tasks; thin,
the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import File, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticValidationError

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.catalog import selectors, services
from steward.catalog.filters import ItemFilters, RequestFilters, ServiceFilters, TaskFilters
from steward.catalog.schemas import (
    ApprovalOut,
    CancelIn,
    CommentIn,
    CommentOut,
    DecisionIn,
    ItemCreateIn,
    ItemOut,
    ItemPatchIn,
    RequestCreateIn,
    RequestOut,
    ServiceCreateIn,
    ServiceOut,
    ServicePatchIn,
    TaskOut,
    TaskPatchIn,
    request_order_form_schema,
    request_order_from_form,
)
from steward.core import selectors as core_selectors
from steward.core import services as core_services
from steward.core.errors import DomainError
from steward.core.schemas import AttachmentOut

services_router = Router(tags=["catalog"])
items = Router(tags=["catalog"])
requests = Router(tags=["catalog"])
tasks = Router(tags=["catalog"])


class PageParams(Schema):
    cursor: str | None = None
    limit: int | None = None


# --- services ---------------------------------------------------------------------------


@services_router.get("", response=page_of(ServiceOut))
def list_services(request: HttpRequest, filters: Query[ServiceFilters]):
    """The service portfolio (requesters: live services only)."""
    return selectors.service_list(request.actor, **filters.dict())


@services_router.post("", response={201: ServiceOut})
def create_service(request: HttpRequest, response: HttpResponse, payload: ServiceCreateIn):
    service = create_with_key(
        request,
        scope="services",
        data=payload.dict(exclude_unset=True),
        create=services.service_create,
        visible=selectors.service_visible,
    )
    return 201, tag(response, selectors.service_get(request.actor, slug=service.slug))


@services_router.get("/{slug}", response=ServiceOut)
def get_service(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.service_get(request.actor, slug=slug))


@services_router.patch("/{slug}", response=ServiceOut)
def patch_service(request: HttpRequest, response: HttpResponse, slug: str, payload: ServicePatchIn):
    services.service_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.service_get(request.actor, slug=slug))


# --- items ------------------------------------------------------------------------------


@items.get("", response=page_of(ItemOut))
def list_items(request: HttpRequest, filters: Query[ItemFilters]):
    """Catalogue items: agents see all, others those they may order."""
    return selectors.item_list(request.actor, **filters.dict())


@items.post("", response={201: ItemOut})
def create_item(request: HttpRequest, response: HttpResponse, payload: ItemCreateIn):
    item = create_with_key(
        request,
        scope="catalog-items",
        data=payload.dict(exclude_unset=True),
        create=services.item_create,
        visible=selectors.item_visible,
    )
    return 201, tag(response, selectors.item_get(request.actor, slug=item.slug))


@items.get("/{slug}", response=ItemOut)
def get_item(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.item_get(request.actor, slug=slug))


@items.patch("/{slug}", response=ItemOut)
def patch_item(request: HttpRequest, response: HttpResponse, slug: str, payload: ItemPatchIn):
    services.item_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.item_get(request.actor, slug=slug))


# --- requests ---------------------------------------------------------------------------


@requests.get("", response=page_of(RequestOut))
def list_requests(request: HttpRequest, filters: Query[RequestFilters]):
    """Requests you may see: your own, those waiting for your vote, and (agents) those of
    the organisations you serve."""
    return selectors.request_list(request.actor, **filters.dict())


ORDER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": RequestCreateIn.model_json_schema()},
            "multipart/form-data": {"schema": request_order_form_schema()},
        },
    }
}


def _order_data(request: HttpRequest) -> dict:
    """The order as JSON, or as multipart with its files (one body, either way)."""
    if request.content_type == "multipart/form-data":
        try:
            post, files = request.POST, request.FILES
        except MultiPartParserError as exc:
            raise DomainError(
                "Request body is not readable multipart/form-data.", fields={"body": [str(exc)]}
            ) from None
        return request_order_from_form(post, files)
    try:
        payload = RequestCreateIn.model_validate_json(request.body or b"")
    except PydanticValidationError as exc:
        raise ValidationError(
            [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors()]
        ) from None
    return payload.dict(exclude_unset=True)


@requests.post("", response={201: RequestOut}, openapi_extra=ORDER_BODY)
def order_item(request: HttpRequest, response: HttpResponse):
    """Order an item: answers are checked against its form (422 naming ``answers.<key>``).
    JSON, or multipart/form-data carrying an attachment question's files with the order."""
    created = create_with_key(
        request,
        scope="requests",
        data=_order_data(request),
        create=services.request_order,
        visible=selectors.request_visible,
    )
    return 201, tag(response, selectors.request_created(request.actor, created))


@requests.get("/{number}", response=RequestOut)
def get_request(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.request_get(request.actor, number=number))


@requests.post("/{number}/cancel", response=RequestOut)
def cancel_request(request: HttpRequest, response: HttpResponse, number: str, payload: CancelIn):
    """Withdraw a request still awaiting approval (its requester)."""
    services.request_cancel(request.actor, number=number, reason=payload.reason)
    return tag(response, selectors.request_get(request.actor, number=number))


@requests.post("/{number}/approvals/{approval_id}/decision", response=ApprovalOut)
def decide(request: HttpRequest, number: str, approval_id: int, payload: DecisionIn):
    """Approve or reject your own vote on the stage under way; another's vote is refused."""
    return services.approval_decide(
        request.actor,
        number=number,
        approval_id=approval_id,
        decision=payload.decision,
        comment=payload.comment,
    )


@requests.get("/{number}/comments", response=page_of(CommentOut))
def list_request_comments(request: HttpRequest, number: str, params: Query[PageParams]):
    found = selectors.request_get(request.actor, number=number)
    return selectors.comment_page(request.actor, found, **params.dict())


@requests.post("/{number}/comments", response={201: CommentOut})
def add_request_comment(request: HttpRequest, number: str, payload: CommentIn):
    return 201, services.request_comment(
        request.actor, number=number, body=payload.body, internal=payload.internal
    )


@requests.get("/{number}/attachments", response=page_of(AttachmentOut))
def list_request_attachments(request: HttpRequest, number: str, params: Query[PageParams]):
    return core_selectors.attachment_page(
        request.actor, target=f"request/{number}", **params.dict()
    )


@requests.post("/{number}/attachments", response={201: AttachmentOut})
def add_request_attachment(request: HttpRequest, number: str, file: File[UploadedFile]):
    """Attach a file (multipart ``file``); always served back as a download."""
    return 201, core_services.attachment_add(
        request.actor,
        target=f"request/{number}",
        upload=file,
        filename=file.name or "",
        size=file.size,
    )


# --- tasks ------------------------------------------------------------------------------


@tasks.get("", response=page_of(TaskOut))
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    """Fulfilment tasks (agents); ``queue=my_teams`` is your teams' open work."""
    return selectors.task_list(request.actor, **filters.dict())


@tasks.get("/{number}", response=TaskOut)
def get_task(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.task_get(request.actor, number=number))


@tasks.patch("/{number}", response=TaskOut)
def patch_task(request: HttpRequest, response: HttpResponse, number: str, payload: TaskPatchIn):
    """``status``: ``in_progress`` takes the task, ``done`` completes it."""
    services.task_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.task_get(request.actor, number=number))


@tasks.get("/{number}/comments", response=page_of(CommentOut))
def list_task_comments(request: HttpRequest, number: str, params: Query[PageParams]):
    found = selectors.task_get(request.actor, number=number)
    return selectors.comment_page(request.actor, found, **params.dict())


@tasks.post("/{number}/comments", response={201: CommentOut})
def add_task_comment(request: HttpRequest, number: str, payload: CommentIn):
    return 201, services.task_comment(
        request.actor, number=number, body=payload.body, internal=payload.internal
    )


ROUTERS = [
    ("services", services_router),
    ("catalog/items", items),
    ("requests", requests),
    ("tasks", tasks),
]
