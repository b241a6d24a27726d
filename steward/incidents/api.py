"""Incident routes: thin, the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.core import selectors as core_selectors
from steward.core import services as core_services
from steward.core.schemas import AttachmentOut, CommentIn, CommentOut
from steward.incidents import selectors, services
from steward.incidents.filters import IncidentFilters
from steward.incidents.schemas import (
    CategoryOut,
    IncidentCreateIn,
    IncidentOut,
    IncidentPatchIn,
)

incidents = Router(tags=["incidents"])
categories = Router(tags=["incidents"])


@incidents.get("", response=page_of(IncidentOut))
def list_incidents(request: HttpRequest, filters: Query[IncidentFilters]):
    return selectors.incident_list(request.actor, **filters.selector_args())


@incidents.post("", response={201: IncidentOut})
def create_incident(request: HttpRequest, response: HttpResponse, payload: IncidentCreateIn):
    # only what the client sent: schema defaults of agent-only fields would refuse requesters
    data = payload.dict(exclude_unset=True)
    incident = create_with_key(
        request,
        scope="incidents",
        data=data,
        create=services.incident_create,
        visible=selectors.incident_visible,
    )
    return 201, tag(response, selectors.incident_created(request.actor, incident))


@incidents.get("/{number}", response=IncidentOut)
def get_incident(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.incident_get(request.actor, number=number))


@incidents.patch("/{number}", response=IncidentOut)
def patch_incident(
    request: HttpRequest, response: HttpResponse, number: str, payload: IncidentPatchIn
):
    services.incident_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.incident_get(request.actor, number=number))


@incidents.post("/{number}/take", response=IncidentOut)
def take_incident(request: HttpRequest, response: HttpResponse, number: str):
    """Assign to me and start work; 409 when someone else has it (unless I lead its team or
    administer), 412 when ``If-Match`` names an older version."""
    services.incident_take(
        request.actor, number=number, expected_version=expected_version(request, None)
    )
    return tag(response, selectors.incident_get(request.actor, number=number))


class PageParams(Schema):
    cursor: str | None = None
    limit: int | None = None


@incidents.get("/{number}/comments", response=page_of(CommentOut))
def list_comments(request: HttpRequest, number: str, params: Query[PageParams]):
    incident = selectors.incident_get(request.actor, number=number)
    return selectors.incident_comment_page(request.actor, incident, **params.dict())


@incidents.post("/{number}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, number: str, payload: CommentIn):
    return 201, services.incident_comment(
        request.actor, number=number, body=payload.body, internal=payload.internal
    )


@incidents.get("/{number}/attachments", response=page_of(AttachmentOut))
def list_attachments(request: HttpRequest, number: str, params: Query[PageParams]):
    return core_selectors.attachment_page(
        request.actor, target=f"incident/{number}", **params.dict()
    )


@incidents.post("/{number}/attachments", response={201: AttachmentOut})
def add_attachment(request: HttpRequest, number: str, file: File[UploadedFile]):
    """Attach a file (multipart ``file``); always served back as a download."""
    return 201, core_services.attachment_add(
        request.actor,
        target=f"incident/{number}",
        upload=file,
        filename=file.name or "",
        size=file.size,
    )


@categories.get("", response=list[CategoryOut])
def list_categories(request: HttpRequest, parent: str | None = None):
    return selectors.category_list(parent=parent)


ROUTERS = [("incidents", incidents), ("incident-categories", categories)]
