"""API shapes for automation rules, their runs and a dry run. The parts of a rule are
checked by the service: a bad one is a 422 naming it, e.g. ``conditions.0.value``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.automation.choices import ActionKind, ConditionField, Trigger

_FIELDS = ", ".join(ConditionField.values)
_ACTIONS = ", ".join(ActionKind.values)


class ConditionIn(In):
    field: str = Field(..., description=f"one of {_FIELDS}")
    operator: str | None = Field(
        None, description="is or is_not (contains for title and description); default is"
    )
    value: Any = Field(
        None,
        description="a slug (category, subcategory, team, organisation; empty: none), a CI "
        "number, a number 1-5 (priority) or 1-3 (impact, urgency), a status, a channel, or "
        "text that title or description contains (any case)",
    )


class ActionIn(In):
    action: str = Field(..., description=f"one of {_ACTIONS}")
    value: Any = Field(
        None,
        description="a team or category slug, an agent's or watcher's username, a number, a "
        "note's text, or for notify: team, requester or an email address",
    )


class RuleIn(In):
    name: SingleLine = Field(..., description="unique, one line, at most 100 characters")
    description: str | None = None
    is_active: bool | None = Field(None, description="default true")
    trigger: str | None = Field(None, description=f"one of {', '.join(Trigger.values)}")
    trigger_status: str | None = Field(
        None, description="for status_changed: only a move to this status fires"
    )
    trigger_clock: str | None = Field(
        None,
        description="for sla_warning and sla_breached: response or resolution (empty: either)",
    )
    position: int | None = Field(None, description="rules run lowest first; default: last")
    stop_processing: bool | None = Field(None, description="a match stops later rules")
    conditions: list[ConditionIn] | None = Field(None, description="all must match; none: always")
    actions: list[ActionIn] = Field(..., description="done in order, at least one")


class RulePatchIn(In):
    version: int | None = Field(None, description="the version read (or send If-Match)")
    name: SingleLine | None = None
    description: str | None = None
    is_active: bool | None = None
    trigger: str | None = None
    trigger_status: str | None = None
    trigger_clock: str | None = None
    position: int | None = None
    stop_processing: bool | None = None
    conditions: list[ConditionIn] | None = None
    actions: list[ActionIn] | None = None
    not_null = frozenset(
        {"name", "description", "trigger", "trigger_status", "trigger_clock", "position"}
    )


class RuleOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    trigger: str
    trigger_status: str
    trigger_clock: str
    position: int
    stop_processing: bool
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RunOut(Schema):
    id: int
    rule_name: str
    incident: str
    trigger: str
    at: dt.datetime
    changes: dict[str, Any] = Field(
        description=(
            "fields ({name: [old, new]}), notes (how many), mails, watchers; a refused run:"
            " failed (the reason) and refused ({field: [messages]}), nothing else done"
        )
    )

    @staticmethod
    def resolve_incident(obj) -> str:
        return obj.incident.number


class DryRunIn(In):
    incident: str = Field(..., description="the number of the incident to test the rule on")


class DryRunOut(Schema):
    rule: str
    incident: str
    matches: bool = Field(description="whether every condition matches the incident now")
    fires_on: list[str] = Field(
        description="what would run it: created, updated, or its SLA trigger (sla_warning,"
        " sla_breached)"
    )
    conditions: list[dict[str, Any]] = Field(
        description="each condition with the incident's value (actual) and matches"
    )
    actions: list[dict[str, Any]] = Field(
        description="each action with the incident's current value and whether it changes it"
    )
