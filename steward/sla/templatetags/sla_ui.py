"""Template filters of the SLA pages: ``{% load sla_ui %}``."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def business_minutes(minutes: int | None) -> str:
    """A target as a person reads it, in business hours and minutes (never calendar days:
    a business day is as long as the calendar says): ``15 min``, ``4 h``, ``27 h 30 min``."""
    if minutes in (None, ""):
        return "—"
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.filter
def or_any(values: list | None, prefix: str = "") -> str:
    """A policy condition: its values joined, or "any" when empty (it then matches all)."""
    if not values:
        return gettext("any")
    return ", ".join(f"{prefix}{v}" for v in values)
