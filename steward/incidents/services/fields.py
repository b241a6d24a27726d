"""Checking incident field values and references, and picking an agent by team rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import ValidationFailed
from steward.core.models import Team, User
from steward.core.services.common import resolve_ref
from steward.incidents import selectors
from steward.incidents.choices import (
    OPEN_STATES,
    AssignmentMode,
    IncidentChannel,
    OnHoldReason,
    ResolutionCode,
)
from steward.incidents.models import Category, Incident, TeamAssignment


def _level(field: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
        raise ValidationFailed.one(field, "must be 1 (high), 2 (medium) or 3 (low)")
    return value


def _clean_refs(actor: Actor, values: dict[str, Any], incident: Incident | None) -> dict[str, Any]:
    """Check every reference as a read by the actor before anything is saved."""
    clean = dict(values)
    if "title" in clean:
        title = (clean["title"] or "").strip()
        if not title or len(title) > 200:
            raise ValidationFailed.one("title", "required, at most 200 characters")
        clean["title"] = title
    for field in ("impact", "urgency"):
        if field in clean:
            clean[field] = _level(field, clean[field])
    if "priority" in clean and (
        not isinstance(clean["priority"], int) or not 1 <= clean["priority"] <= 5
    ):
        raise ValidationFailed.one("priority", "must be between 1 (critical) and 5 (planning)")
    if "category" in clean:
        clean["category"] = resolve_ref(
            Category.objects.filter(parent__isnull=True, is_active=True),
            "category",
            clean["category"],
            key="slug",
            label="category",
        )
    if "subcategory" in clean:
        category = clean.get("category", incident.category if incident else None)
        clean["subcategory"] = resolve_ref(
            Category.objects.filter(parent=category, is_active=True)
            if category
            else Category.objects.none(),
            "subcategory",
            clean["subcategory"],
            key="slug",
            label="subcategory of the chosen category",
        )
    if "team" in clean:
        clean["team"] = resolve_ref(
            core_selectors.team_visible(actor).filter(is_active=True),
            "team",
            clean["team"],
            key="slug",
            label="team",
        )
    if "assignee" in clean:
        clean["assignee"] = resolve_ref(
            core_selectors.user_visible(actor).filter(is_active=True),
            "assignee",
            clean["assignee"],
            key="username",
            label="user",
        )
        if clean["assignee"] is not None and not clean["assignee"].is_agent:
            raise ValidationFailed.one("assignee", "is not an agent")
    if clean.get("configuration_item"):
        number = str(clean["configuration_item"]).strip().upper()
        # the CMDB is the reference: a CI the actor may see, by its number
        if not cmdb_selectors.ci_visible(actor).filter(number=number).exists():
            raise ValidationFailed.one("configuration_item", f"no CI {number!r}")
        clean["configuration_item"] = number
    if "parent" in clean:
        parent = resolve_ref(
            selectors.incident_visible(actor),
            "parent",
            clean["parent"],
            key="number",
            label="incident",
        )
        if parent is not None and incident is not None and parent.pk == incident.pk:
            raise ValidationFailed.one("parent", "an incident cannot be its own parent")
        if parent is not None and parent.parent_id is not None:
            raise ValidationFailed.one("parent", "the parent is itself a child incident")
        clean["parent"] = parent
    for field, choices in (("on_hold_reason", OnHoldReason), ("resolution_code", ResolutionCode)):
        if clean.get(field) and clean[field] not in choices.values:
            raise ValidationFailed.one(field, f"one of {', '.join(choices.values)}")
    return clean


def _check_assignee_in_team(team: Team | None, assignee: User | None) -> None:
    if (
        team is not None
        and assignee is not None
        and not team.members.filter(pk=assignee.pk).exists()
    ):
        raise ValidationFailed.one("assignee", f"is not a member of team {team.slug}")


def _pick_agent(team: Team) -> User | None:
    """The team's assignment rule: round-robin or least-loaded among active members."""
    rule = TeamAssignment.objects.select_for_update().filter(team=team).first()
    if rule is None or rule.mode == AssignmentMode.TEAM:
        return None
    members = list(team.members.filter(is_active=True).order_by("id"))
    if not members:
        return None
    if rule.mode == AssignmentMode.ROUND_ROBIN:
        ids = [m.id for m in members]
        last = rule.last_assigned_id
        nxt = (
            next((m for m in members if last is None or m.id > last), members[0])
            if last in ids or last is None
            else members[0]
        )
    else:
        load = dict(
            Incident.objects.filter(assignee__in=members, status__in=OPEN_STATES)
            .values("assignee")
            .annotate(n=Count("id"))
            .values_list("assignee", "n")
        )
        nxt = min(members, key=lambda m: (load.get(m.id, 0), m.id))
    rule.last_assigned = nxt
    rule.save(update_fields=["last_assigned"])
    return nxt


def _default_channel(actor: Actor) -> str:
    if actor.channel == Channel.API:
        return IncidentChannel.API
    if actor.channel == Channel.EMAIL:
        return IncidentChannel.EMAIL
    return IncidentChannel.WEB if actor.is_agent else IncidentChannel.PORTAL
