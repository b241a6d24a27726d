"""Checking incident field values and references, picking an agent by team rule, and the
derived fields of an update (priority from the matrix, timestamps of a status move)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import ValidationFailed
from steward.core.models import Team, User
from steward.core.selectors import cached
from steward.core.services.common import resolve_ref
from steward.incidents import selectors
from steward.incidents.choices import (
    OPEN_STATES,
    AssignmentMode,
    IncidentChannel,
    OnHoldReason,
    ResolutionCode,
    Status,
)
from steward.incidents.models import Category, Incident, TeamAssignment
from steward.incidents.services import external, validation


def _clean_refs(actor: Actor, values: dict[str, Any], incident: Incident | None) -> dict[str, Any]:
    """Check every reference as a read by the actor before anything is saved; the rules
    themselves are ``validation``'s, shared with the bulk path."""
    clean = dict(values)
    if "external_id" in clean or "external_source" in clean:
        clean["external_source"], clean["external_id"] = external.reference(
            clean.get("external_source"), clean.get("external_id")
        )
    if "title" in clean:
        clean["title"] = validation.title(clean["title"])
    for field in ("impact", "urgency"):
        if field in clean:
            clean[field] = validation.level(field, clean[field])
    if "priority" in clean:
        clean["priority"] = validation.priority(clean["priority"])
    if "category" in clean:
        key = clean["category"]
        clean["category"] = validation.category(key, _category(key))
    if "subcategory" in clean:
        key = clean["subcategory"]
        parent = clean.get("category", incident.category if incident else None)
        clean["subcategory"] = validation.subcategory(key, _category(key), parent)
    if "team" in clean:
        key = clean["team"]
        clean["team"] = validation.team(key, _team(actor, key))
    if "assignee" in clean:
        key = clean["assignee"]
        clean["assignee"] = validation.assignee(key, user_visible_by_name(actor, key))
    if "configuration_item" in clean:
        # the CMDB is the reference: a CI the actor may see, by its number
        key = clean["configuration_item"]
        clean["configuration_item"] = validation.configuration_item(key, _ci(actor, key))
    if "affected_service" in clean:
        key = clean["affected_service"]
        # a service the actor may name: an agent's visible ones, a requester's own
        # organisation's and those of none (the services her picker offers)
        found = _by(cmdb_selectors.ci_nameable(actor), "number", validation.ci_number(key))
        is_service = found is not None and found.ci_class_id in service_class_ids()
        clean["affected_service"] = validation.affected_service(key, found, is_service=is_service)
    if "parent" in clean:
        parent = resolve_ref(
            selectors.incident_visible(actor),
            "parent",
            clean["parent"],
            key="number",
            label="incident",
        )
        if parent is not None and incident is not None and parent.pk == incident.pk:
            raise ValidationFailed.one("parent", _("an incident cannot be its own parent"))
        if parent is not None and parent.parent_id is not None:
            raise ValidationFailed.one("parent", _("the parent is itself a child incident"))
        clean["parent"] = parent
    for field, choices in (("on_hold_reason", OnHoldReason), ("resolution_code", ResolutionCode)):
        validation.choice(field, clean.get(field), choices)
    return clean


def service_class_ids() -> set[int]:
    """The CI classes whose items are business services (the class and its subclasses)."""
    tree = cmdb_selectors.class_tree()
    root = tree.by_slug.get(validation.SERVICE_CLASS)
    return set(tree.descendants(root)) if root is not None else set()


def _category(key: Any) -> Category | None:
    # kept per process under the stamps that guard categories (decision 0061); a key of
    # another type than text is looked up as before (the ORM casts it)
    if isinstance(key, str) and key:
        return selectors.category_by_slug(key)
    return _by(Category.objects, "slug", key)


def _team(actor: Actor, key: Any) -> Team | None:
    found = cached.team_by_slug(actor, key) if isinstance(key, str) and key else False
    return _by(core_selectors.team_visible(actor), "slug", key) if found is False else found


def user_visible_by_name(actor: Actor, key: Any, qs: QuerySet | None = None) -> User | None:
    """The user ``key`` the actor may see (a caller, an assignee): the per-process row when
    it answers for this actor (decision 0061), else ``qs`` (by default ``user_visible``)."""
    found = cached.user_by_username(actor, key) if isinstance(key, str) and key else False
    if found is not False:
        return found
    return _by(qs if qs is not None else core_selectors.user_visible(actor), "username", key)


def _ci(actor: Actor, key: Any) -> Any:
    """The visible CI numbered ``key`` (any case), or ``None``."""
    return _by(cmdb_selectors.ci_visible(actor), "number", validation.ci_number(key))


def _by(qs: QuerySet, key: str, value: Any) -> Any:
    """The row of ``qs`` whose ``key`` is ``value``, or ``None`` (also for no value)."""
    if value in (None, ""):
        return None
    return qs.filter(**{key: value}).first()


def _check_assignee_in_team(team: Team | None, assignee: User | None) -> None:
    members = (
        set(team.members.filter(pk=assignee.pk).values_list("pk", flat=True))
        if team is not None and assignee is not None
        else set()
    )
    validation.assignee_in_team(team, assignee, members)


def _pick_agent(team: Team) -> User | None:
    """The team's assignment rule: round-robin or least-loaded among active members."""
    return pick_agents(team, 1)[0]


def pick_agents(team: Team, count: int) -> list[User | None]:
    """The rule's picks for ``count`` new incidents of the team, one after the other, as
    ``count`` single creates would make them (the batched path): the rule locked and moved
    once, the members and their load read once."""
    rule = TeamAssignment.objects.select_for_update().filter(team=team).first()
    if rule is None or rule.mode == AssignmentMode.TEAM:
        return [None] * count
    members = cached.active_members(team.pk)  # per process (decision 0061)
    if not members:
        return [None] * count
    load: dict[int, int] = {}
    if rule.mode != AssignmentMode.ROUND_ROBIN:
        load = dict(
            Incident.objects.filter(assignee__in=members, status__in=OPEN_STATES)
            .values("assignee")
            .annotate(n=Count("id"))
            .values_list("assignee", "n")
        )
    ids, last, picks = [m.id for m in members], rule.last_assigned_id, []
    for _turn in range(count):
        if rule.mode == AssignmentMode.ROUND_ROBIN:
            nxt = (
                next((m for m in members if last is None or m.id > last), members[0])
                if last in ids or last is None
                else members[0]
            )
        else:
            nxt = min(members, key=lambda m: (load.get(m.id, 0), m.id))
            load[nxt.id] = load.get(nxt.id, 0) + 1  # the new incident is open work
        picks.append(nxt)
        last = nxt.id
    rule.last_assigned = picks[-1]
    rule.save(update_fields=["last_assigned"])
    return picks


def _default_channel(actor: Actor) -> str:
    if actor.channel == Channel.API:
        return IncidentChannel.API
    if actor.channel == Channel.EMAIL:
        return IncidentChannel.EMAIL
    return IncidentChannel.WEB if actor.is_agent else IncidentChannel.PORTAL


def apply_status(incident: Incident, target: str, now: dt.datetime) -> None:
    source = incident.status
    incident.status = target
    if target != Status.ON_HOLD:
        incident.on_hold_reason = ""
    if target == Status.IN_PROGRESS and incident.first_response_at is None:
        incident.first_response_at = now
    if target == Status.RESOLVED:
        incident.resolved_at = now
    if target == Status.CLOSED:
        incident.closed_at = now
    if source == Status.RESOLVED and target == Status.IN_PROGRESS:  # reopened
        incident.resolved_at = None
        incident.resolution_code = ""
        incident.resolution_notes = ""


def apply_priority(incident: Incident, clean: dict[str, Any]) -> None:
    """Impact/urgency recompute priority; a priority off the matrix needs a reason."""
    impact = clean.get("impact", incident.impact)
    urgency = clean.get("urgency", incident.urgency)
    computed = selectors.priority_for(impact, urgency)
    if "priority" in clean and clean["priority"] != computed:
        reason = (clean.get("priority_override_reason") or "").strip()
        if not reason:
            raise ValidationFailed.one(
                "priority_override_reason",
                _("required to set a priority other than the matrix's P%(computed)s")
                % {"computed": computed},
            )
        clean["priority_override_reason"] = reason
    elif "impact" in clean or "urgency" in clean or "priority" in clean:
        clean["priority"] = computed
        clean["priority_override_reason"] = ""
