"""Template filters of the Events pages: ``{% load events_ui %}``. An alert's history and
details are kept as codes and JSON (``state``, ``acknowledged``, ``True``); a person reads
the page's own words for them."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext, gettext_lazy

from steward.events.choices import Severity, State

register = template.Library()

# an audited field by the name the alert's page gives it
LABELS = {
    "source": gettext_lazy("Source"),
    "node": gettext_lazy("Node"),
    "resource": gettext_lazy("Check"),
    "key": gettext_lazy("Source's key"),
    "severity": gettext_lazy("Severity"),
    "summary": gettext_lazy("Summary"),
    "state": gettext_lazy("State"),
    "count": gettext_lazy("Occurrences"),
    "in_maintenance": gettext_lazy("Maintenance"),
    "incident": gettext_lazy("Incident"),
}
CHOICES = {"severity": Severity, "state": State}


@register.filter
def change_label(name: str) -> str:
    return str(LABELS.get(name, name.replace("_", " ").capitalize()))


@register.filter
def change_value(value: Any, name: str) -> Any:
    """A severity or state by its label, a yes/no in words; anything else as kept."""
    if name in CHOICES and value in CHOICES[name].values:
        return str(CHOICES[name](value).label)
    return detail_value(value)


@register.filter
def detail_value(value: Any) -> Any:
    """One value of the source's details: text and numbers as sent, a yes/no in words,
    a list or object as JSON (never Python's own spelling: ``True``, ``None``)."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
