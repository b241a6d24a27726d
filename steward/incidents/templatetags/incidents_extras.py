from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``{{ colours|get_item:incident.priority }}``"""
    return mapping.get(key, "")


@register.filter
def duration(seconds: int | None) -> str:
    """Business seconds as ``2d 3h``, ``3h 20m`` or ``12m``; negative means overdue."""
    if seconds is None:
        return "—"
    sign, seconds = ("-" if seconds < 0 else ""), abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes}m"
    return f"{sign}{minutes}m"


@register.inclusion_tag("incidents/_sla_badge.html")
def sla_badge(clocks: list) -> dict:
    """The most urgent clock of an incident as a badge: breached, paused or time left."""
    live = [c for c in clocks if c.state != "stopped"] or list(clocks)
    if not live:
        return {"clock": None}
    clock = min(live, key=lambda c: c.time_left_seconds)
    return {"clock": clock}


@register.inclusion_tag("incidents/_sla_badge.html")
def sla_badge_one(clock: object) -> dict:
    return {"clock": clock}
