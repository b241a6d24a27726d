"""Reads of rules and their runs, and the active rules compiled for matching, kept per
process under the automation stamp (and the stamps of what their values name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from steward.automation.choices import SLA_TRIGGERS, ConditionField, Operator, Trigger
from steward.automation.models import Rule, RuleRun
from steward.automation.selectors.permissions import can_read
from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb.models import ConfigurationItem
from steward.core import selectors as core_selectors
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Organisation, Team, User
from steward.core.selectors.scoping import sees_everything
from steward.incidents import selectors as incident_selectors
from steward.incidents.models import Category

RUNS_SHOWN = 50


def rule_visible(actor: Actor) -> QuerySet[Rule]:
    """Every rule for an agent who sees every organisation; an agent limited to some sees
    no rule naming a team, CI, organisation or user of another (it is not there: 404s)."""
    if not can_read(actor):
        return Rule.objects.none()
    if sees_everything(actor):
        return Rule.objects.all()
    return Rule.objects.exclude(pk__in=_naming_the_unseen(actor))


# what a rule's values name that an organisation limits, and the actor's scope of each
_SCOPED_CONDITIONS = {
    ConditionField.TEAM: "team",
    ConditionField.ORGANISATION: "organisation",
    ConditionField.CONFIGURATION_ITEM: "ci",
}
_SCOPED_ACTIONS = {"assign_team": "team", "assign_agent": "user", "add_watcher": "user"}


def _naming_the_unseen(actor: Actor) -> list[int]:
    """The rules whose values name a row the (organisation-limited) actor may not see."""
    named: dict[int, list[tuple[str, str]]] = {}
    for pk, conditions, actions in Rule.objects.values_list("pk", "conditions", "actions"):
        parts = [(_SCOPED_CONDITIONS.get(c.get("field")), c.get("value")) for c in conditions]
        parts += [(_SCOPED_ACTIONS.get(a.get("action")), a.get("value")) for a in actions]
        named[pk] = [(kind, str(value)) for kind, value in parts if kind and value]
    wanted: dict[str, set[str]] = {}
    for parts in named.values():
        for kind, value in parts:
            wanted.setdefault(kind, set()).add(value)
    unseen: set[tuple[str, str]] = set()
    for kind, values in wanted.items():
        everything, visible, key = _SCOPES[kind](actor)
        there = set(everything.filter(**{f"{key}__in": values}).values_list(key, flat=True))
        seen = set(visible.filter(**{f"{key}__in": values}).values_list(key, flat=True))
        unseen |= {(kind, value) for value in there - seen}
    return [pk for pk, parts in named.items() if unseen.intersection(parts)]


_SCOPES = {
    "team": lambda actor: (Team.objects.all(), core_selectors.team_visible(actor), "slug"),
    "organisation": lambda actor: (
        Organisation.objects.all(),
        core_selectors.organisation_visible(actor),
        "slug",
    ),
    "ci": lambda actor: (
        ConfigurationItem.objects.all(),
        cmdb_selectors.ci_visible(actor),
        "number",
    ),
    "user": lambda actor: (
        User.objects.all(),
        core_selectors.user_visible(actor),
        "username",
    ),
}


def rule_list(actor: Actor, *, active: bool | None = None, trigger: str | None = None) -> list:
    qs = rule_visible(actor)
    if active is not None:
        qs = qs.filter(is_active=active)
    if trigger:
        qs = qs.filter(trigger=trigger)
    return list(qs.order_by("position", "id"))


def _id(pk: object) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound()
    return int(text)


def rule_get(actor: Actor, *, pk: object) -> Rule:
    rule = rule_visible(actor).filter(pk=_id(pk)).first()
    if rule is None:
        raise NotFound()
    return rule


def rule_for_update(actor: Actor, *, pk: object) -> Rule:
    rule = rule_visible(actor).select_for_update().filter(pk=_id(pk)).first()
    if rule is None:
        raise NotFound()
    return rule


def rule_runs(actor: Actor, rule: Rule, limit: int = RUNS_SHOWN) -> list[RuleRun]:
    """The rule's latest firings on incidents the actor may see, newest first, with their
    incidents' numbers (an agent limited to some organisations sees no other's number)."""
    if not can_read(actor):
        return []
    visible = incident_selectors.incident_visible(actor)
    qs = (
        RuleRun.objects.filter(rule=rule, incident__in=visible)
        .select_related("incident")
        .order_by("-at", "-id")
    )
    return list(qs[:limit])


# --- matching ------------------------------------------------------------------------------

# the incident attribute each condition field compares (references by id: no reads)
ATTRIBUTES = {
    ConditionField.CATEGORY: "category_id",
    ConditionField.SUBCATEGORY: "subcategory_id",
    ConditionField.PRIORITY: "priority",
    ConditionField.IMPACT: "impact",
    ConditionField.URGENCY: "urgency",
    ConditionField.TEAM: "team_id",
    ConditionField.STATUS: "status",
    ConditionField.CHANNEL: "channel",
    ConditionField.ORGANISATION: "organisation_id",
    ConditionField.CONFIGURATION_ITEM: "configuration_item_id",
    ConditionField.TITLE: "title",
    ConditionField.DESCRIPTION: "description",
}
_MISSING = object()  # a reference whose row is gone: matches no "is", every "is not"


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value: Any  # as kept in the rule (a slug, a number, text)
    wanted: Any  # as compared: an id for a reference, lower-case text for "contains"

    def actual(self, incident: Any) -> Any:
        return getattr(incident, ATTRIBUTES[self.field])

    def matches(self, incident: Any) -> bool:
        actual = self.actual(incident)
        if self.operator == Operator.CONTAINS:
            return self.wanted in (actual or "").lower()
        same = actual == self.wanted
        return same if self.operator == Operator.IS else not same


@dataclass(frozen=True)
class Compiled:
    """A rule as the engine runs it: its conditions with the ids their values name."""

    pk: int
    name: str
    trigger: str
    trigger_status: str
    stop_processing: bool
    conditions: tuple[Condition, ...]
    actions: tuple[dict[str, Any], ...]
    trigger_clock: str = ""

    def fires_on(self, event: str, incident: Any, changed: tuple[str, ...]) -> bool:
        """Whether a write (``created``, ``updated`` with the fields ``changed``) or an SLA
        threshold (``changed``: the clock's kind) runs this rule."""
        if event in SLA_TRIGGERS.values():
            return self.trigger == event and (
                not self.trigger_clock or self.trigger_clock in changed
            )
        if self.trigger in SLA_TRIGGERS.values():
            return False
        if event == Trigger.CREATED:
            return self.trigger == Trigger.CREATED
        if self.trigger == Trigger.UPDATED:
            return True
        if self.trigger == Trigger.STATUS_CHANGED and "status" in changed:
            return not self.trigger_status or incident.status == self.trigger_status
        return False

    def matches(self, incident: Any) -> bool:
        return all(c.matches(incident) for c in self.conditions)


_KINDS = {
    ConditionField.CATEGORY: (Category.objects, "slug"),
    ConditionField.SUBCATEGORY: (Category.objects, "slug"),
    ConditionField.TEAM: (Team.objects, "slug"),
    ConditionField.ORGANISATION: (Organisation.objects, "slug"),
    ConditionField.CONFIGURATION_ITEM: (ConfigurationItem.objects, "number"),
}


def compile_rules(rules: list[Rule]) -> tuple[Compiled, ...]:
    """``rules`` with each reference resolved to its row's id (one read per kind named)."""
    wanted: dict[str, set[str]] = {}
    for rule in rules:
        for c in rule.conditions:
            if c["field"] in _KINDS and c["value"]:
                wanted.setdefault(c["field"], set()).add(c["value"])
    ids: dict[tuple[str, str], int] = {}
    for field, keys in wanted.items():
        manager, key = _KINDS[field]
        for value, pk in manager.filter(**{f"{key}__in": keys}).values_list(key, "pk"):
            ids[(field, value)] = pk
    return tuple(
        Compiled(
            pk=rule.pk,
            name=rule.name,
            trigger=rule.trigger,
            trigger_status=rule.trigger_status,
            trigger_clock=rule.trigger_clock,
            stop_processing=rule.stop_processing,
            conditions=tuple(_condition(c, ids) for c in rule.conditions),
            actions=tuple(rule.actions),
        )
        for rule in rules
    )


def _condition(c: dict[str, Any], ids: dict[tuple[str, str], int]) -> Condition:
    field, operator, value = c["field"], c["operator"], c["value"]
    if operator == Operator.CONTAINS:
        wanted: Any = str(value).lower()
    elif field in _KINDS:
        wanted = ids.get((field, value), _MISSING) if value else None
    else:
        wanted = value
    return Condition(field, operator, value, wanted)


def _load(_key: None) -> tuple[Compiled, ...]:
    return compile_rules(list(Rule.objects.filter(is_active=True).order_by("position", "id")))


# what a slug or number names may move under the teams', configuration's and auth stamps
_active = stamps.Keyed(
    (stamps.AUTOMATION, stamps.TEAMS, stamps.INCIDENT_CONFIG, stamps.AUTH), _load, size=1
)


def active_rules() -> tuple[Compiled, ...]:
    """The active rules, in order, compiled; read once per process until a stamp moves (no
    rules: the request's one stamp read, nothing more)."""
    return _active.get(None)
