from django import template

from steward.cmdb.choices import STATUS_COLOURS

register = template.Library()


@register.filter
def status_colour(status: str) -> str:
    """The UI colour of a CI status."""
    return STATUS_COLOURS.get(status, "#6b7280")
