"""Change routes: thin, the services and selectors do the work."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.api.rows import row_response
from steward.changes import selectors, services
from steward.changes.filters import ChangeFilters, FreezeFilters, PageFilters, TemplateFilters
from steward.changes.schemas import (
    ApprovalOut,
    ChangeCreateIn,
    ChangeOut,
    ChangePatchIn,
    ConflictsOut,
    DecisionIn,
    DelegationIn,
    DelegationOut,
    FeedOut,
    FreezeCreateIn,
    FreezeOut,
    FreezePatchIn,
    ReviewIn,
    ReviewOut,
    RiskOut,
    TemplateCreateIn,
    TemplateOut,
    TemplatePatchIn,
)
from steward.core.schemas import CommentIn, CommentOut

changes = Router(tags=["changes"])
templates = Router(tags=["changes"])
freezes = Router(tags=["changes"])
delegations = Router(tags=["changes"])


@changes.get("", response=page_of(ChangeOut))
def list_changes(request: HttpRequest, filters: Query[ChangeFilters]):
    return selectors.change_list(request.actor, **filters.dict())


@changes.post("", response={201: ChangeOut})
def create_change(request: HttpRequest, response: HttpResponse, payload: ChangeCreateIn):
    change = create_with_key(
        request,
        scope="changes",
        data=payload.dict(exclude_unset=True),
        create=services.change_create,
        visible=selectors.change_visible,
    )
    shown = tag(response, selectors.change_created(request.actor, change))
    if isinstance(shown, dict):  # a row: rendered without ninja's getter (decision 0074)
        return row_response(response, ChangeOut, shown, status=201)
    return 201, shown


@changes.post("/feed", response={201: FeedOut})
def issue_feed(request: HttpRequest):
    """Issue a new calendar-feed secret (the previous URLs stop working); shown once."""
    return 201, _feed_urls(services.feed_token_issue(request.actor))


def _feed_urls(token: str) -> dict[str, str]:
    base = settings.BASE_URL
    personal = base + reverse("changes:feed", args=[token])
    team = base + reverse("changes:team_feed", args=[token, "TEAM"]).replace("TEAM", "{team}")
    return {"personal": personal, "team_template": team}


@changes.get("/{number}", response=ChangeOut)
def get_change(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.change_get(request.actor, number=number))


@changes.patch("/{number}", response=ChangeOut)
def patch_change(request: HttpRequest, response: HttpResponse, number: str, payload: ChangePatchIn):
    services.change_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.change_get(request.actor, number=number))


@changes.get("/{number}/approvals", response=list[ApprovalOut])
def list_approvals(request: HttpRequest, number: str):
    change = selectors.change_get(request.actor, number=number)
    return selectors.approval_list(request.actor, change)


@changes.post("/{number}/approvals/{approval_id}/decision", response=ApprovalOut)
def decide_approval(request: HttpRequest, number: str, approval_id: int, payload: DecisionIn):
    services.approval_decide(
        request.actor,
        number=number,
        approval_id=approval_id,
        decision=payload.decision,
        comment=payload.comment,
        on_behalf_of=payload.on_behalf_of,
    )
    return selectors.approval_get(request.actor, number=number, approval_id=approval_id)


@changes.get("/{number}/conflicts", response=ConflictsOut)
def list_conflicts(request: HttpRequest, number: str):
    change = selectors.change_get(request.actor, number=number)
    return selectors.change_conflicts(request.actor, change)


@changes.get("/{number}/risk", response=RiskOut)
def get_risk(request: HttpRequest, number: str):
    change = selectors.change_get(request.actor, number=number)
    return {
        "level": change.risk_level,
        "score": change.risk_score,
        "reasons": selectors.change_risk_reasons(change),
        "answers": change.risk_answers,
        "questions": selectors.risk_questions(),
        "required_approvals": [p.name for p in selectors.approval_policies_for(change)],
    }


@changes.post("/{number}/review", response=ReviewOut)
def review_change(request: HttpRequest, number: str, payload: ReviewIn):
    """Record the post-implementation review (again to revise it)."""
    return services.change_review(request.actor, number=number, **payload.dict())


@changes.get("/{number}/comments", response=page_of(CommentOut))
def list_comments(request: HttpRequest, number: str, params: Query[PageFilters]):
    change = selectors.change_get(request.actor, number=number)
    return selectors.change_comment_page(request.actor, change, **params.dict())


@changes.post("/{number}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, number: str, payload: CommentIn):
    return 201, services.change_comment(
        request.actor, number=number, body=payload.body, internal=payload.internal
    )


# --- templates ----------------------------------------------------------------------------


@templates.get("", response=page_of(TemplateOut))
def list_templates(request: HttpRequest, filters: Query[TemplateFilters]):
    return selectors.template_list(request.actor, **filters.dict())


@templates.post("", response={201: TemplateOut})
def create_template(request: HttpRequest, response: HttpResponse, payload: TemplateCreateIn):
    template = create_with_key(
        request,
        scope="change-templates",
        data=payload.dict(exclude_unset=True),
        create=services.template_create,
        visible=selectors.template_visible,
    )
    return 201, tag(response, template)


@templates.get("/{slug}", response=TemplateOut)
def get_template(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.template_get(request.actor, slug=slug))


@templates.patch("/{slug}", response=TemplateOut)
def patch_template(
    request: HttpRequest, response: HttpResponse, slug: str, payload: TemplatePatchIn
):
    return tag(
        response,
        services.template_update(
            request.actor,
            slug=slug,
            expected_version=expected_version(request, payload.version),
            changes=payload.dict(exclude_unset=True, exclude={"version"}),
        ),
    )


# --- freeze windows -----------------------------------------------------------------------


@freezes.get("", response=page_of(FreezeOut))
def list_freezes(request: HttpRequest, filters: Query[FreezeFilters]):
    return selectors.freeze_list(request.actor, **filters.dict())


@freezes.post("", response={201: FreezeOut})
def create_freeze(request: HttpRequest, response: HttpResponse, payload: FreezeCreateIn):
    freeze = create_with_key(
        request,
        scope="freeze-windows",
        data=payload.dict(exclude_unset=True),
        create=services.freeze_create,
        visible=selectors.freeze_visible,
    )
    return 201, tag(response, selectors.freeze_get(request.actor, slug=freeze.slug))


@freezes.get("/{slug}", response=FreezeOut)
def get_freeze(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.freeze_get(request.actor, slug=slug))


@freezes.patch("/{slug}", response=FreezeOut)
def patch_freeze(request: HttpRequest, response: HttpResponse, slug: str, payload: FreezePatchIn):
    services.freeze_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.freeze_get(request.actor, slug=slug))


# --- delegations --------------------------------------------------------------------------


@delegations.get("", response=page_of(DelegationOut))
def list_delegations(request: HttpRequest, params: Query[PageFilters]):
    return selectors.delegation_list(request.actor, **params.dict())


@delegations.post("", response={201: DelegationOut})
def create_delegation(request: HttpRequest, payload: DelegationIn):
    return 201, create_with_key(
        request,
        scope="approval-delegations",
        data=payload.dict(exclude_unset=True),
        create=services.delegation_create,
        visible=selectors.delegation_visible,
    )


@delegations.delete("/{delegation_id}", response={204: None})
def delete_delegation(request: HttpRequest, delegation_id: int):
    services.delegation_delete(request.actor, delegation_id=delegation_id)
    return 204, None


ROUTERS = [
    ("changes", changes),
    ("change-templates", templates),
    ("freeze-windows", freezes),
    ("approval-delegations", delegations),
]
