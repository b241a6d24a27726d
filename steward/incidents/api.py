"""Incident routes: thin, the services and selectors do the work."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.core import selectors as core_selectors
from steward.core import services as core_services
from steward.core.schemas import AttachmentOut
from steward.incidents import selectors, services
from steward.incidents.schemas import (
    CategoryOut,
    CommentIn,
    CommentOut,
    IncidentCreateIn,
    IncidentOut,
    IncidentPatchIn,
)

incidents = Router(tags=["incidents"])
categories = Router(tags=["incidents"])


class IncidentFilters(Schema):
    queue: str = "all"
    status: list[str] = []
    team: str = ""
    assignee: str = ""
    priority: list[int] = []
    category: str = ""
    caller: str = ""
    major: bool | None = None
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    q: str = ""
    breached: bool | None = None
    breaching_within: int | None = None
    order: str = "priority"
    cursor: str | None = None
    limit: int | None = None


@incidents.get("", response=page_of(IncidentOut))
def list_incidents(request: HttpRequest, filters: Query[IncidentFilters]):
    return selectors.incident_list(request.actor, **filters.dict())


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
    return 201, tag(response, selectors.incident_get(request.actor, number=incident.number))


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
