"""What a rule would do to an incident, worked out without writing: the engine's plan
(services/engine.py) and the dry run an administrator asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steward.automation.choices import ACTION_FIELDS, SLA_TRIGGERS, ActionKind, ConditionField
from steward.automation.models import Rule
from steward.automation.selectors.permissions import can_read
from steward.automation.selectors.rules import ATTRIBUTES, Compiled, compile_rules
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.incidents import selectors as incident_selectors
from steward.incidents.choices import Status

# the related row's key a reference field is shown (and set) by
KEYS = {
    "team": "slug",
    "category": "slug",
    "subcategory": "slug",
    "organisation": "slug",
    "configuration_item": "number",
    "assignee": "username",
}


@dataclass
class Plan:
    """The incident fields to change (as ``incident_update`` takes them), the notes, the
    mail targets and the watchers' usernames."""

    changes: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    mails: list[str] = field(default_factory=list)
    watchers: list[str] = field(default_factory=list)


def shown(incident: Any, name: str) -> Any:
    """A field's value as a rule names it: a reference by its key, else the value."""
    if name in KEYS:
        related = getattr(incident, name)
        return getattr(related, KEYS[name]) if related is not None else ""
    return getattr(incident, name)


def plan(rule: Compiled, incident: Any) -> Plan:
    out = Plan()
    for action in rule.actions:
        kind, value = action["action"], action["value"]
        if kind in ACTION_FIELDS:
            out.changes[ACTION_FIELDS[kind]] = value
        elif kind == ActionKind.ADD_NOTE:
            out.notes.append(value)
        elif kind == ActionKind.NOTIFY:
            out.mails.append(value)
        elif kind == ActionKind.ADD_WATCHER:
            out.watchers.append(value)
    if "priority" in out.changes:
        out.changes["priority_override_reason"] = f"Automation rule: {rule.name}"[:200]
    if incident.status == Status.NEW and (
        "team" in out.changes or ("assignee" in out.changes and incident.team_id)
    ):
        out.changes["status"] = Status.ASSIGNED  # routed: in the team's queue
    return out


@dataclass(frozen=True)
class DryRun:
    rule: str
    incident: str
    matches: bool
    fires_on: list[str]
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]


def dry_run(actor: Actor, *, rule: Rule, number: str) -> DryRun:
    """Whether ``rule`` (saved or not) matches the incident ``number`` as it is now, each
    condition with the incident's value, and what each action would change; writes nothing."""
    if not can_read(actor):
        raise NotFound()
    incident = incident_selectors.incident_get(actor, number=number)
    compiled = compile_rules([rule])[0]
    conditions = [
        {
            "field": c.field,
            "operator": c.operator,
            "value": c.value,
            "actual": _actual(incident, c.field),
            "matches": c.matches(incident),
        }
        for c in compiled.conditions
    ]
    planned = plan(compiled, incident)
    actions = []
    for action in compiled.actions:
        kind, value = action["action"], action["value"]
        name = ACTION_FIELDS.get(kind)
        before = shown(incident, name) if name else None
        actions.append(
            {
                "action": kind,
                "value": value,
                "current": before,
                "changes": name is None or str(before) != str(value),
            }
        )
    if planned.changes.get("status") and incident.status != planned.changes["status"]:
        actions.append(
            {
                "action": "status",
                "value": Status.ASSIGNED,
                "current": incident.status,
                "changes": True,
            }
        )
    triggers = [t for t in ("created", "updated") if compiled.fires_on(t, incident, ("status",))]
    if compiled.trigger in SLA_TRIGGERS.values():  # the sweep, at the clock's threshold
        triggers = [compiled.trigger]
    return DryRun(
        rule=rule.name,
        incident=incident.number,
        matches=compiled.matches(incident),
        fires_on=triggers,
        conditions=conditions,
        actions=actions,
    )


def _actual(incident: Any, name: str) -> Any:
    if name in KEYS:
        return shown(incident, name)
    return getattr(incident, ATTRIBUTES[ConditionField(name)])
