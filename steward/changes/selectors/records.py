"""Reads of change records, their approvals and delegations, scoped to the actor."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from steward.changes.choices import (
    ApprovalState,
    ChangeType,
    RiskLevel,
    Status,
)
from steward.changes.models import (
    ApprovalDecision,
    ApprovalPolicy,
    Change,
    ChangeApproval,
    ChangeCI,
    ChangeSettings,
    Delegation,
)
from steward.changes.workflow import CHANGE_FLOW
from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.datetimes import check_bounds
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import Comment, User
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors as problem_selectors

NUMBER = re.compile(r"CHG\d{7}")
CONFLICT_DEPTH = 3  # CIs depending on each other this many hops apart conflict
MAX_CONFLICTS = 200
CALENDAR_LIMIT = 5000
MAX_WINDOW = dt.timedelta(days=31)  # a planned window lasts at most this long (services check)
SYSTEM = Actor.system("changes")


def change_settings() -> ChangeSettings:
    return ChangeSettings.objects.first() or ChangeSettings()


# --- changes ------------------------------------------------------------------------------


def change_visible(actor: Actor) -> QuerySet[Change]:
    """Requesters see what they requested; limited agents their organisations; admins all."""
    return scope_to_organisations(actor, Change.objects.all(), requester="requester")


def _with_relations(qs: QuerySet[Change], actor: Actor) -> QuerySet[Change]:
    """Everything ``ChangeOut`` shows, in a fixed number of queries whatever the page size.
    Linked CIs, incidents and problems are those the actor may see: a change visible to a
    requester or a limited agent never names records of other organisations."""
    return qs.select_related(
        "requester", "organisation", "team", "assignee", "template", "review"
    ).prefetch_related(*linked_prefetches(actor))


def linked_prefetches(actor: Actor) -> list[Prefetch]:
    """The change's links narrowed to what the actor may see: numbers, and CIs' names."""
    cis = cmdb_selectors.ci_visible(actor).only("id", "number", "name")
    return [
        Prefetch("cis", queryset=cis),
        Prefetch("impacted_services", queryset=cis.all()),
        Prefetch(
            "incidents",
            queryset=incident_selectors.incident_visible(actor).only("id", "number"),
        ),
        Prefetch(
            "problems", queryset=problem_selectors.problem_visible(actor).only("id", "number")
        ),
    ]


def change_hidden_links(actor: Actor, change: Change) -> dict[str, list[Any]]:
    """The CIs, incidents and problems linked to ``change`` that the actor may not see:
    a write replacing the links keeps these (the actor could neither see nor re-add them)."""
    visible = {
        "cis": cmdb_selectors.ci_visible(actor),
        "incidents": incident_selectors.incident_visible(actor),
        "problems": problem_selectors.problem_visible(actor),
    }
    if actor.is_system or actor.is_admin:
        return {name: [] for name in visible}
    return {
        name: list(getattr(change, name).exclude(pk__in=qs.values("pk")))
        for name, qs in visible.items()
    }


def _parse_levels(values: list[str], field_name: str, choices: list[str]) -> list[str]:
    bad = [v for v in values if v not in choices]
    if bad:
        raise ValidationFailed.one(field_name, f"unknown value {bad[0]!r}; one of {choices}")
    return values


def change_filter(
    actor: Actor,
    qs: QuerySet[Change],
    *,
    status: list[str] | None = None,
    type: list[str] | None = None,  # noqa: A002 - the API's filter name
    risk: list[str] | None = None,
    team: str = "",
    ci: str = "",
    requester: str = "",
    planned_after: dt.datetime | None = None,
    planned_before: dt.datetime | None = None,
    q: str = "",
) -> QuerySet[Change]:
    """``qs`` narrowed by the change list's filters (``filters.ChangeFilters``), shared by
    the API list and the web queues. ``planned_after``/``planned_before`` select changes
    whose planned window overlaps that range; ``ci`` those touching a CI the actor may see
    (a CI they may not see selects nothing: the filter tells nothing about it)."""
    if status:
        qs = qs.filter(status__in=_parse_levels(status, "status", Status.values))
    if type:
        qs = qs.filter(type__in=_parse_levels(type, "type", ChangeType.values))
    if risk:
        qs = qs.filter(risk_level__in=_parse_levels(risk, "risk", RiskLevel.values))
    if team:
        qs = qs.filter(team__slug=team)
    if requester:
        qs = qs.filter(requester__username=requester)
    if ci:
        cis = cmdb_selectors.ci_visible(actor).filter(number=ci.strip().upper())
        ids = ChangeCI.objects.filter(ci__in=cis).values("change_id")
        qs = qs.filter(id__in=ids)
    check_bounds("planned_after", planned_after)
    check_bounds("planned_before", planned_before)
    if planned_after and planned_before and planned_before <= planned_after:
        raise ValidationFailed.one("planned_before", "must be after planned_after")
    if planned_after:
        qs = qs.filter(planned_end__gt=planned_after)
    if planned_before:
        qs = qs.filter(planned_start__lt=planned_before)
    q = q.strip()
    if q and NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs


def change_list(
    actor: Actor, *, cursor: str | None = None, limit: int | None = None, **filters: Any
) -> Page:
    """A page of visible changes, newest first, narrowed by ``change_filter``'s filters."""
    qs = change_filter(actor, change_visible(actor), **filters)
    return paginate(
        _with_relations(qs, actor), order=("-created_at", "-id"), cursor=cursor, limit=limit
    )


def change_get(actor: Actor, *, number: str) -> Change:
    """One visible change by number; ``NotFound`` for absent and invisible alike."""
    change = _with_relations(change_visible(actor), actor).filter(number=number).first()
    if change is None:
        raise NotFound()
    return change


def change_created_model(actor: Actor, change: Change) -> Change:
    """The change ``change_create`` just returned, as ``change_get`` shows it (a model for
    ninja to render), without reading it back: its links are the records the create was
    given (read through the actor's visibility) and the impacted services it found
    (``created_services``). A change without them (an idempotent retry returns the first
    one, fetched) is read as ``change_get`` reads it. The API answers a row instead
    (``selectors.created``, decision 0074), held equal to this."""
    links = getattr(change, "created_links", None)
    if links is None:
        return change_get(actor, number=change.number)
    services = created_services(actor, links["impacted_services"])
    # as prefetch_related leaves them: the answer reads .cis.all() and the others
    change._prefetched_objects_cache = {}
    for name in ("cis", "incidents", "problems"):
        _cache(change, name, links.get(name, []))
    _cache(change, "impacted_services", services)
    Change._meta.get_field("review").set_cached_value(change, None)  # a new change has none
    requester = change.requester  # set by the create: no query
    if (
        change.organisation_id is not None
        and not Change.organisation.is_cached(change)
        and requester.organisation_id == change.organisation_id
        and type(requester).organisation.is_cached(requester)
    ):
        change.organisation = requester.organisation
    return change


def created_services(actor: Actor, services: list[Any]) -> list[Any]:
    """The impacted services a create found, narrowed to those ``actor`` may see (one
    query; none for administrators and the system)."""
    if services and not (actor.is_system or actor.is_admin):
        seen = set(
            cmdb_selectors.ci_visible(actor)
            .filter(id__in=[s.id for s in services])
            .values_list("id", flat=True)
        )
        services = [s for s in services if s.id in seen]
    return services


def _cache(change: Change, name: str, rows: list[Any]) -> None:
    # an empty queryset of the related model, as the relation's manager's ``none()`` is but
    # without building that manager and its filters (a tenth of a create's CPU): only its
    # rows are read, and a further filter of either finds nothing
    cached = getattr(Change, name).field.related_model._default_manager.none()
    cached._result_cache, cached._prefetch_done = list(dict.fromkeys(rows)), True
    change._prefetched_objects_cache[name] = cached


def change_for_update(actor: Actor, *, number: str) -> Change:
    """The change locked for a write."""
    change = change_visible(actor).select_for_update(of=("self",)).filter(number=number).first()
    if change is None:
        raise NotFound()
    return change


def change_allowed_transitions(actor: Actor, change: Change) -> list[str]:
    """Next states the UI offers: agents only (requesters follow their changes)."""
    return CHANGE_FLOW.allowed(change.status) if actor.is_agent else []


def change_has_review(change: Change) -> bool:
    return hasattr(change, "review") and change.review is not None


def change_comment_page(
    actor: Actor, change: Change, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of a change's activity, oldest first (work notes for agents only)."""
    qs = Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Change), object_id=str(change.pk)
    ).select_related("author")
    if not actor.is_agent:
        qs = qs.filter(internal=False)
    return paginate(qs, order=("created_at", "id"), cursor=cursor, limit=limit)


def _approvals_qs() -> QuerySet[ChangeApproval]:
    return ChangeApproval.objects.prefetch_related(
        "approvers",
        Prefetch(
            "decisions",
            queryset=ApprovalDecision.objects.select_related("approver", "decided_by").order_by(
                "at", "id"
            ),
        ),
    ).order_by("id")


def approval_list(actor: Actor, change: Change) -> list[ChangeApproval]:
    """A visible change's approvals with approvers and decisions (constant queries)."""
    return list(_approvals_qs().filter(change=change))


def approval_get(actor: Actor, *, number: str, approval_id: int) -> ChangeApproval:
    """One approval of a visible change; ``NotFound`` otherwise."""
    if not 0 < approval_id < 2**63:
        raise NotFound()
    change = change_visible(actor).filter(number=number).first()
    found = _approvals_qs().filter(change=change, id=approval_id).first() if change else None
    if found is None:
        raise NotFound()
    return found


def delegators_of(user_id: int, on: dt.date) -> set[int]:
    """Users whose approvals ``user_id`` may decide on ``on`` (their delegations)."""
    return set(
        Delegation.objects.filter(
            delegate_id=user_id, starts_on__lte=on, ends_on__gte=on
        ).values_list("user_id", flat=True)
    )


def approval_decision_of(approval: ChangeApproval, approver: User) -> ApprovalDecision | None:
    """The approver's decision on ``approval`` (made by them or a delegate), if any."""
    return approval.decisions.filter(approver=approver).first()


def approvals_awaiting(actor: Actor) -> list[ChangeApproval]:
    """Pending approvals the actor may decide, for themselves or as a delegate, that they
    have not decided yet; with their changes."""
    if actor.user is None:
        return []
    today = timezone.localdate()
    users = {actor.user.pk} | delegators_of(actor.user.pk, today)
    visible = change_visible(actor).values("id")
    return list(
        ChangeApproval.objects.filter(
            state=ApprovalState.PENDING, approvers__in=users, change_id__in=visible
        )
        .exclude(decisions__approver_id=actor.user.pk)
        .select_related("change")
        .distinct()
        .order_by("created_at", "id")[:200]
    )


class AwaitingChange(NamedTuple):
    """A change once, with the approvals of it the actor may decide (oldest first)."""

    change: Change
    approvals: list[ChangeApproval]


def changes_awaiting(actor: Actor, *, limit: int | None = None) -> list[AwaitingChange]:
    """The changes of ``approvals_awaiting``, each once with its approvals (a high-risk
    change gated by two policies one approves for is one row, not two), in the order of
    their oldest approval; at most ``limit`` changes. No statement beyond
    ``approvals_awaiting``'s."""
    rows: dict[int, AwaitingChange] = {}
    for approval in approvals_awaiting(actor):
        row = rows.setdefault(approval.change_id, AwaitingChange(approval.change, []))
        row.approvals.append(approval)
    return list(rows.values())[:limit]


def delegation_visible(actor: Actor) -> QuerySet[Delegation]:
    """Delegations the actor gave or received (administrators: all)."""
    if actor.is_system or actor.is_admin:
        return Delegation.objects.all()
    return Delegation.objects.filter(Q(user=actor.user) | Q(delegate=actor.user))


def delegation_list(actor: Actor, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """A page of the actor's delegations, newest first."""
    qs = delegation_visible(actor).select_related("user", "delegate")
    return paginate(qs, order=("-id",), cursor=cursor, limit=limit)


def approval_policies_for(change: Change) -> list[ApprovalPolicy]:
    """Active policies matching the change's type and risk: each is one approval it needs."""
    return [
        p
        for p in ApprovalPolicy.objects.filter(is_active=True).order_by("slug")
        if (not p.change_types or change.type in p.change_types)
        and (not p.risk_levels or change.risk_level in p.risk_levels)
    ]
