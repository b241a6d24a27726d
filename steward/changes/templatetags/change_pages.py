"""Small helpers of the change page templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``{{ risk_colours|get_item:change.risk_level }}``"""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def has(collection: object, item: object) -> bool:
    """``{% if conflicted|has:change.pk %}``"""
    try:
        return item in collection  # type: ignore[operator]
    except TypeError:
        return False
