"""Checks every write path of an answer runs (link page, portal, API, demo)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from steward.core.errors import ValidationFailed
from steward.surveys.choices import MAX_COMMENT


def clean_answer(rating: Any, comment: Any) -> tuple[int, str]:
    """A rating of 1 to 5 and a comment of at most ``MAX_COMMENT`` characters without NUL
    bytes; ``ValidationFailed`` naming each field that is not."""
    errors: dict[str, list[str]] = {}
    value = None
    digits = rating.strip() if isinstance(rating, str) else ""
    # ASCII digits only: "²" and "٣" are digits to isdigit() and no number to int()
    if digits.isascii() and digits.isdigit() and len(digits) < 10:
        rating = int(digits)
    if isinstance(rating, bool) or not isinstance(rating, int):
        errors["rating"] = [_("choose a rating from 1 to 5")]
    elif not 1 <= rating <= 5:
        errors["rating"] = [_("a whole number from 1 to 5")]
    else:
        value = rating
    text = "" if comment is None else comment
    if not isinstance(text, str):
        errors["comment"] = [_("must be text")]
        text = ""
    elif "\x00" in text:
        errors["comment"] = [_("must not contain NUL characters")]
    elif len(text.strip()) > MAX_COMMENT:
        errors["comment"] = [_("at most %(count)s characters") % {"count": MAX_COMMENT}]
    if errors or value is None:
        raise ValidationFailed(errors)
    return value, text.strip()


def clean_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """The administrators' settings: a share of 0 to 100 %, a low rating of 1 to 4."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in ("is_enabled", "notify_low_ratings"):
        if name in changes:
            if not isinstance(changes[name], bool):
                errors[name] = [_("true or false")]
            else:
                out[name] = changes[name]
    for name, low, high in (("sample_percent", 0, 100), ("low_rating", 1, 4)):
        if name in changes:
            value = changes[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors[name] = [
                    _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high}
                ]
            else:
                out[name] = value
    unknown = sorted(
        set(changes) - {"is_enabled", "notify_low_ratings", "sample_percent", "low_rating"}
    )
    for name in unknown:
        errors[name] = [_("not a survey setting")]
    if errors:
        raise ValidationFailed(errors)
    return out
