"""The CMDB's seeded names (classes, relationship types) in the reader's language."""

from django import template

from steward.cmdb.choices import shown_name

register = template.Library()


@register.filter
def seeded(name: str) -> str:
    """``{{ ci.ci_class.name|seeded }}``: a seeded name translated, any other as entered."""
    return shown_name(str(name or ""))
