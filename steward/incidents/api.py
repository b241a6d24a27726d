"""Incident routes: thin, the services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from steward.api import rows as api_rows
from steward.api.http import create_with_key, expected_version, page_of, tag, unversioned
from steward.api.rows import page_response, row_response
from steward.core import selectors as core_selectors
from steward.core import services as core_services
from steward.core.schemas import AttachmentOut, CommentIn, CommentOut
from steward.incidents import selectors, services
from steward.incidents.filters import IncidentFilters
from steward.incidents.schemas import (
    CategoryAdminOut,
    CategoryCreateIn,
    CategoryOut,
    CategoryPatchIn,
    EscalationRuleCreateIn,
    EscalationRuleOut,
    EscalationRulePatchIn,
    IncidentCreateIn,
    IncidentOut,
    IncidentPatchIn,
    PriorityMatrixOut,
    PriorityMatrixPatchIn,
    TeamAssignmentOut,
    TeamAssignmentPatchIn,
)
from steward.incidents.services import external

incidents = Router(tags=["incidents"])
categories = Router(tags=["incidents"])
# what administrators configure (the services refuse everyone else with a 403)
matrix = Router(tags=["incident configuration"])
escalation_rules = Router(tags=["incident configuration"])
team_assignment = Router(tags=["incident configuration"])


@incidents.get("", response=page_of(IncidentOut))
def list_incidents(request: HttpRequest, response: HttpResponse, filters: Query[IncidentFilters]):
    page = selectors.incident_list(request.actor, **filters.selector_args(), rows=True)
    if page.items and isinstance(page.items[0], dict):  # rows: rendered without ninja's getter
        return page_response(response, IncidentOut, page, kept=True)
    return page


@incidents.post("", response={200: IncidentOut, 201: IncidentOut})
def create_incident(request: HttpRequest, response: HttpResponse, payload: IncidentCreateIn):
    # only what the client sent: schema defaults of agent-only fields would refuse requesters
    data = payload.dict(exclude_unset=True)
    incident, created = external.create_or_existing(
        request.actor,
        lambda **fields: create_with_key(
            request,
            scope="incidents",
            data=fields,
            create=services.incident_create,
            visible=selectors.incident_visible,
        ),
        data,
    )
    if not created:  # its external reference names this one: answered as it is (0094)
        return get_incident(request, response, incident.number)
    shown = tag(response, selectors.incident_created(request.actor, incident))
    if isinstance(shown, dict):  # a row: rendered without ninja's getter (decision 0065)
        return row_response(response, IncidentOut, shown, status=201)
    return 201, shown


@incidents.get("/{number}", response=IncidentOut)
def get_incident(request: HttpRequest, response: HttpResponse, number: str):
    shown = tag(response, selectors.incident_shown(request.actor, number=number))
    if api_rows.DIRECT and isinstance(shown, dict):  # a row: written directly (decision 0084)
        return row_response(response, IncidentOut, shown, status=200)
    return shown


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
def list_comments(
    request: HttpRequest, response: HttpResponse, number: str, params: Query[PageParams]
):
    page = selectors.incident_activity_page(request.actor, number=number, **params.dict())
    if api_rows.DIRECT and page.items and isinstance(page.items[0], dict):  # rows (0084)
        return page_response(response, CommentOut, page, kept=True)
    return page


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


# a category's slug (slugify's alphabet, the model's length): the document says what the
# parameter is, so a value that cannot be a slug is a 422 naming it, not an empty list
PARENT = Query(
    None, pattern=r"^[-a-zA-Z0-9_]+$", max_length=100, description="a top-level category's slug"
)


@categories.get("", response=list[CategoryOut])
def list_categories(request: HttpRequest, parent: str | None = PARENT):
    return selectors.category_list(parent=parent)


@categories.post("", response={201: CategoryAdminOut})
def create_category(request: HttpRequest, payload: CategoryCreateIn):
    """A category, or a subcategory of ``parent``; its slug is made from the name."""
    data = payload.dict(exclude_none=True)
    category = create_with_key(
        request,
        scope="incident-categories",
        data=data,
        create=services.category_create,
        visible=selectors.category_rows,
    )
    return 201, category


@categories.get("/{slug}", response=CategoryAdminOut)
def get_category(request: HttpRequest, slug: str):
    return selectors.category_get(request.actor, slug=slug)


@categories.patch("/{slug}", response=CategoryAdminOut)
def patch_category(request: HttpRequest, slug: str, payload: CategoryPatchIn):
    unversioned(request)
    services.category_update(request.actor, slug=slug, changes=payload.dict(exclude_unset=True))
    return selectors.category_get(request.actor, slug=slug)


def _matrix() -> dict[str, Any]:
    cells = selectors.priority_matrix()
    return {
        "cells": [{"impact": i, "urgency": u, "priority": p} for (i, u), p in sorted(cells.items())]
    }


@matrix.get("", response=PriorityMatrixOut)
def get_priority_matrix(request: HttpRequest):
    """Impact × urgency → priority, as new incidents are classified."""
    return _matrix()


@matrix.patch("", response=PriorityMatrixOut)
def patch_priority_matrix(request: HttpRequest, payload: PriorityMatrixPatchIn):
    """Set the cells given; the others keep their priority. Existing incidents keep theirs."""
    unversioned(request)
    services.priority_matrix_update(
        request.actor, cells={(c.impact, c.urgency): c.priority for c in payload.cells}
    )
    return _matrix()


@escalation_rules.get("", response=page_of(EscalationRuleOut))
def list_escalation_rules(request: HttpRequest):
    """Every rule, active first (a handful: one page)."""
    return {"items": selectors.escalation_rule_list(request.actor), "next": None}


@escalation_rules.post("", response={201: EscalationRuleOut})
def create_escalation_rule(request: HttpRequest, payload: EscalationRuleCreateIn):
    rule = create_with_key(
        request,
        scope="escalation-rules",
        data=payload.dict(exclude_none=True),
        create=services.escalation_rule_create,
        visible=selectors.escalation_rule_rows,
    )
    return 201, rule


@escalation_rules.get("/{rule_id}", response=EscalationRuleOut)
def get_escalation_rule(request: HttpRequest, rule_id: int):
    return selectors.escalation_rule_get(request.actor, rule_id=rule_id)


@escalation_rules.patch("/{rule_id}", response=EscalationRuleOut)
def patch_escalation_rule(request: HttpRequest, rule_id: int, payload: EscalationRulePatchIn):
    unversioned(request)
    services.escalation_rule_update(
        request.actor, rule_id=rule_id, changes=payload.dict(exclude_unset=True)
    )
    return selectors.escalation_rule_get(request.actor, rule_id=rule_id)


def _modes(actor) -> dict[str, Any]:  # noqa: ANN001 - an Actor
    teams = selectors.team_assignment_modes(actor)
    return {"teams": [{"team": team.slug, "mode": mode} for team, mode in teams]}


@team_assignment.get("", response=TeamAssignmentOut)
def get_team_assignment(request: HttpRequest):
    """How each active team's new incidents pick an agent."""
    return _modes(request.actor)


@team_assignment.patch("", response=TeamAssignmentOut)
def patch_team_assignment(request: HttpRequest, payload: TeamAssignmentPatchIn):
    unversioned(request)
    services.team_assignment_update(request.actor, modes=payload.modes)
    return _modes(request.actor)


ROUTERS = [
    ("incidents", incidents),
    ("incident-categories", categories),
    ("incident-priority-matrix", matrix),
    ("escalation-rules", escalation_rules),
    ("team-assignment", team_assignment),
]
