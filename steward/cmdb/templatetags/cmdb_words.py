"""The CMDB's seeded names (classes, relationship types) in the reader's language."""

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from steward.cmdb.choices import AttributeType, shown_name
from steward.core.selectors.timeline import format_date

register = template.Library()


@register.filter
def seeded(name: str) -> str:
    """``{{ ci.ci_class.name|seeded }}``: a seeded name translated, any other as entered."""
    return shown_name(str(name or ""))


@register.filter
def attribute_value(value: Any, kind: str) -> Any:
    """``{{ value|attribute_value:spec.type }}``: an attribute's value as a person reads it, a
    yes/no as "Yes" or "No" (not Python's ``True``) and a date in the house style; any other
    as stored."""
    if kind == AttributeType.BOOLEAN and isinstance(value, bool):
        return _("Yes") if value else _("No")
    if kind == AttributeType.DATE and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value
