"""Text shown on one line (titles, names): the one rule the API's ``SingleLine`` type and the
web forms' ``SingleLineField`` both apply, so no title can forge a second line in a list, a
mail header or a log, whichever way it came in (docs/security.md)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# C0 and C1 control characters (CR, LF, tab, NUL, ESC…) and the Unicode line separators.
CONTROL_CHARACTERS = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029"
SINGLE_LINE_PATTERN = f"^[^{CONTROL_CHARACTERS}]*$"
SINGLE_LINE_MESSAGE = "must be a single line without control characters"
_HAS_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def is_single_line(value: str) -> bool:
    """Whether ``value`` holds no line break, tab or other control character."""
    return _HAS_CONTROL.search(value) is None


def validate_single_line(value: str) -> None:
    """A Django validator: the form shows the message beside the field."""
    if not is_single_line(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")
