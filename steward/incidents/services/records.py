"""Incident write use cases: create, update (incl. status moves), take, comment, auto-close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import Conflict, IllegalTransition, PermissionDenied, ValidationFailed
from steward.core.models import Comment
from steward.core.numbering import next_number
from steward.core.services import comment_add
from steward.core.services.common import bump_version, check_version, reject_unknown, resolve_ref
from steward.incidents import selectors
from steward.incidents.choices import (
    OPEN_STATES,
    IncidentChannel,
    ResolutionCode,
    Status,
)
from steward.incidents.models import (
    Incident,
    IncidentSettings,
)
from steward.incidents.services.fields import (
    _check_assignee_in_team,
    _clean_refs,
    _default_channel,
    _pick_agent,
)
from steward.incidents.workflow import INCIDENT_FLOW
from steward.sla import services as sla

AGENT_FIELDS = {
    "title",
    "description",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "priority",
    "priority_override_reason",
    "team",
    "assignee",
    "status",
    "on_hold_reason",
    "resolution_code",
    "resolution_notes",
    "is_major",
    "parent",
    "affected_service",
    "configuration_item",
}
REQUESTER_FIELDS = {"title", "description", "status"}
AUDITED = sorted(
    AGENT_FIELDS
    | {
        "number",
        "caller",
        "channel",
        "reassignment_count",
        "first_response_at",
        "resolved_at",
        "closed_at",
    }
)
TERMINAL = (Status.CLOSED, Status.CANCELLED)


def incident_settings() -> IncidentSettings:
    return IncidentSettings.objects.first() or IncidentSettings()


@transaction.atomic
def incident_create(
    actor: Actor, *, title: str, caller: str | None = None, **fields: Any
) -> Incident:
    """Log an incident: priority from the matrix, assignment rule applied, audited."""
    reject_unknown(
        fields,
        AGENT_FIELDS
        - {
            "status",
            "priority",
            "priority_override_reason",
            "resolution_code",
            "resolution_notes",
            "on_hold_reason",
        }
        | {"channel"},
    )
    if not actor.is_agent:
        denied = sorted(
            set(fields)
            - {
                "description",
                "category",
                "subcategory",
                "impact",
                "urgency",
                "affected_service",
                "configuration_item",
            }
        )
        if denied or (caller and caller != actor.user.username):
            raise PermissionDenied(
                "Requesters log incidents for themselves only.",
                fields={n: ["agents only"] for n in denied or ["caller"]},
            )
    channel = fields.pop("channel", None) or _default_channel(actor)
    if channel not in IncidentChannel.values:
        raise ValidationFailed.one("channel", f"one of {', '.join(IncidentChannel.values)}")
    clean = _clean_refs(actor, {"title": title, **fields}, None)
    if caller:
        caller_user = resolve_ref(
            core_selectors.user_visible(actor), "caller", caller, key="username", label="user"
        )
    elif actor.user is not None:
        caller_user = actor.user
    else:
        raise ValidationFailed.one("caller", "required when the system logs an incident")
    _check_assignee_in_team(clean.get("team"), clean.get("assignee"))
    if clean.get("team") is not None and clean.get("assignee") is None:
        clean["assignee"] = _pick_agent(clean["team"])
    impact, urgency = clean.get("impact", 3), clean.get("urgency", 3)
    now = timezone.now()
    incident = Incident(
        number=next_number("INC"),
        caller=caller_user,
        organisation_id=caller_user.organisation_id,
        channel=channel,
        priority=selectors.priority_for(impact, urgency),
        opened_at=now,
        status=Status.ASSIGNED if clean.get("team") or clean.get("assignee") else Status.NEW,
        **clean,
    )
    incident.save()
    sla.clocks_start(actor, incident, context=_sla_context(incident), at=now)
    audit.record(
        actor, incident, action=AuditAction.CREATE, after=audit.snapshot(incident, AUDITED)
    )
    outbox.emit(
        "incident.created",
        incident,
        number=incident.number,
        priority=incident.priority,
        is_major=incident.is_major,
    )
    if incident.assignee_id or incident.team_id:
        outbox.emit(
            "incident.assigned",
            incident,
            number=incident.number,
            team=incident.team_id,
            assignee=incident.assignee_id,
        )
    return incident


def _apply_status(incident: Incident, target: str, now: dt.datetime) -> None:
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


@transaction.atomic
def incident_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Incident:
    """Change an incident; status moves follow INCIDENT_FLOW; every change audited."""
    incident = selectors.incident_for_update(actor, number=number)
    allowed = AGENT_FIELDS if actor.is_agent else REQUESTER_FIELDS
    denied = sorted(set(changes) - allowed)
    if denied and set(denied) <= AGENT_FIELDS:
        raise PermissionDenied(
            f"Only agents may change: {', '.join(denied)}.",
            fields={n: ["agents only"] for n in denied},
        )
    reject_unknown(changes, allowed)
    check_version(incident, expected_version)
    if incident.status in TERMINAL:
        target = changes.get("status")
        if target and target != incident.status:
            raise IllegalTransition(incident.status, target, [])
        raise Conflict(
            f"{incident.number} is {incident.status}; it can no longer be changed.",
            fields={"status": [f"{incident.status} is final"]},
        )
    target = changes.get("status")
    if (
        target is not None
        and target != incident.status
        and not actor.is_agent
        and (incident.status, target) not in selectors.REQUESTER_MOVES
    ):
        raise PermissionDenied(
            "Requesters may only reopen or cancel their incidents.",
            fields={"status": ["agents only"]},
        )
    clean = _clean_refs(actor, changes, incident)
    team = clean.get("team", incident.team)
    assignee = clean.get("assignee", incident.assignee)
    if (
        "team" in clean
        and "assignee" not in clean
        and assignee is not None
        and team is not None
        and not team.members.filter(pk=assignee.pk).exists()
    ):
        clean["assignee"] = assignee = None  # moved to a team the agent is not in
    _check_assignee_in_team(team, assignee)
    _apply_priority(incident, clean)
    before = audit.snapshot(incident, AUDITED)
    previous_team, previous_assignee = incident.team_id, incident.assignee_id
    now = timezone.now()
    if target is not None and target != incident.status:
        data = {**clean, "_reopen_days": incident_settings().reopen_days}
        INCIDENT_FLOW.check(incident, target=target, data=data)
    for name, value in clean.items():
        if name != "status":
            setattr(incident, name, value)
    if target is not None and target != incident.status:
        _apply_status(incident, target, now)
    moved = (previous_team, previous_assignee) != (incident.team_id, incident.assignee_id)
    if moved and (previous_team or previous_assignee):
        incident.reassignment_count += 1
    after = audit.snapshot(incident, AUDITED)
    changed = [name for name in AUDITED if before.get(name) != after.get(name)]
    if not changed:
        return incident
    bump_version(incident, changed)
    _move_clocks(actor, incident, before=before, changed=changed, now=now)
    audit.record(actor, incident, before=before, after=after)
    outbox.emit("incident.updated", incident, number=incident.number, changed=changed)
    if moved:
        outbox.emit(
            "incident.assigned",
            incident,
            number=incident.number,
            team=incident.team_id,
            assignee=incident.assignee_id,
        )
    if "status" in changed and incident.status == Status.RESOLVED:
        outbox.emit("incident.resolved", incident, number=incident.number)
        _resolve_children(actor, incident)
    return incident


def _sla_context(incident: Incident) -> dict[str, Any]:
    """What SLA policies match on."""
    return {
        "priority": incident.priority,
        "category": incident.category.slug if incident.category else "",
        "service": incident.affected_service,
        "organisation": incident.organisation.slug if incident.organisation else "",
    }


def _move_clocks(
    actor: Actor, incident: Incident, *, before: dict, changed: list[str], now: dt.datetime
) -> None:
    """Keep the SLA clocks in step with the incident: pause on hold, stop on response and
    resolution, restart on reopen, recompute when what selects the policy changes."""
    source, target = before.get("status"), incident.status
    if {"priority", "category", "affected_service"} & set(changed):
        sla.clocks_recompute(actor, incident, context=_sla_context(incident), at=now)
    if "first_response_at" in changed and incident.first_response_at is not None:
        sla.clock_stop(actor, incident, kind="response", at=incident.first_response_at)
    if source == target:
        return
    if target == Status.ON_HOLD:
        sla.clocks_pause(actor, incident, at=now)
    elif source == Status.ON_HOLD:
        sla.clocks_resume(actor, incident, at=now)
    if target in (Status.RESOLVED, Status.CANCELLED):
        sla.clock_stop(actor, incident, kind="response", at=now)
        sla.clock_stop(actor, incident, kind="resolution", at=now)
    elif source == Status.RESOLVED:
        sla.clock_reopen(actor, incident, kind="resolution", at=now)


def _apply_priority(incident: Incident, clean: dict[str, Any]) -> None:
    """Impact/urgency recompute priority; a priority off the matrix needs a reason."""
    impact = clean.get("impact", incident.impact)
    urgency = clean.get("urgency", incident.urgency)
    computed = selectors.priority_for(impact, urgency)
    if "priority" in clean and clean["priority"] != computed:
        reason = (clean.get("priority_override_reason") or "").strip()
        if not reason:
            raise ValidationFailed.one(
                "priority_override_reason",
                f"required to set a priority other than the matrix's P{computed}",
            )
        clean["priority_override_reason"] = reason
    elif "impact" in clean or "urgency" in clean or "priority" in clean:
        clean["priority"] = computed
        clean["priority_override_reason"] = ""


def _resolve_children(actor: Actor, parent: Incident) -> None:
    children = list(
        Incident.objects.select_for_update()
        .filter(parent=parent, status__in=OPEN_STATES)
        .values_list("number", flat=True)
    )
    for number in children:
        incident_update(
            actor,
            number=number,
            expected_version=None,
            changes={
                "status": Status.RESOLVED,
                "resolution_code": ResolutionCode.PARENT_RESOLVED,
                "resolution_notes": f"Resolved with parent {parent.number}: "
                f"{parent.resolution_notes}"[:5000],
            },
        )
        comment_add(
            actor,
            target=f"incident/{number}",
            internal=False,
            body=f"Resolved together with its parent incident {parent.number}.",
        )


@transaction.atomic
def incident_take(actor: Actor, *, number: str) -> Incident:
    """An agent takes an incident: assigned to them and in progress (leaving a team they
    are not in, so the assignment stays consistent)."""
    if actor.user is None or not actor.is_agent:
        raise PermissionDenied("Only agents take incidents.")
    incident = selectors.incident_for_update(actor, number=number)
    changes: dict[str, Any] = {"assignee": actor.user.username}
    if incident.status != Status.IN_PROGRESS:
        changes["status"] = Status.IN_PROGRESS
    if incident.team_id and not incident.team.members.filter(pk=actor.user.pk).exists():
        changes["team"] = None
    return incident_update(actor, number=number, expected_version=None, changes=changes)


@transaction.atomic
def incident_comment(actor: Actor, *, number: str, body: str, internal: bool = False) -> Comment:
    """A reply to the caller or an internal work note; an agent's first reply is the response."""
    incident = selectors.incident_for_update(actor, number=number)
    comment = comment_add(actor, target=incident, body=body, internal=internal)
    if (
        actor.is_agent
        and not internal
        and incident.first_response_at is None
        and actor.user is not None
        and actor.user.pk != incident.caller_id
    ):
        incident.first_response_at = comment.created_at
        incident.save(update_fields=["first_response_at"])
        sla.clock_stop(actor, incident, kind="response", at=comment.created_at)
        audit.record(
            actor,
            incident,
            before={"first_response_at": None},
            after={"first_response_at": comment.created_at.isoformat()},
        )
    outbox.emit(
        "incident.commented",
        incident,
        number=incident.number,
        comment=comment.pk,
        internal=internal,
    )
    return comment


def incidents_auto_close(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close incidents resolved more than N days ago (the worker calls this)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=incident_settings().auto_close_days)
    system = Actor.system("auto-close")
    numbers = list(
        Incident.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
        .order_by("resolved_at")
        .values_list("number", flat=True)[:batch]
    )
    for number in numbers:
        try:
            incident_update(
                system, number=number, expected_version=None, changes={"status": Status.CLOSED}
            )
        except Conflict:  # changed meanwhile (e.g. reopened): leave it
            continue
    return len(numbers)
