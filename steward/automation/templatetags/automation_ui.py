"""Template filters of the Automation pages: ``{% load automation_ui %}``. A rule keeps its
parts as codes (``assign_team``, ``is_not``, ``in_progress``); a person reads their names."""

from __future__ import annotations

from django import template

from steward.automation.choices import ActionKind, ConditionField, Operator, Trigger, TriggerClock
from steward.incidents.choices import IncidentChannel, Status

register = template.Library()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def condition_field(value: str) -> str:
    return _label(ConditionField, value)


@register.filter
def operator(value: str) -> str:
    return _label(Operator, value)


@register.filter
def action_kind(value: str) -> str:
    return _label(ActionKind, value)


@register.filter
def status(value: str) -> str:
    return _label(Status, value)


@register.filter
def condition_value(value, field: str):
    """A status or a channel by its name; every other value (a slug, a number, words) as kept."""
    if field == ConditionField.STATUS:
        return _label(Status, value)
    if field == ConditionField.CHANNEL:
        return _label(IncidentChannel, value)
    return value


@register.filter
def sla_clock(value: str) -> str:
    """An SLA trigger's clock by its name (Response, Resolution)."""
    return _label(TriggerClock, value)


@register.filter
def trigger(value: str) -> str:
    return _label(Trigger, value)
