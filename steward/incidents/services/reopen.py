"""Reopening a resolved incident takes a reason: the caller (or agent) says why, the reason
is checked before the move, kept in the move's audit entry and posted as a public reply, so
the activity (and the agent it notifies) reads it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from steward.core.errors import ValidationFailed
from steward.incidents.choices import Status

MAX_REASON = 2000


def split(changes: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The changes without ``reason``, and the reason (trimmed; "" when none was given)."""
    rest = {k: v for k, v in changes.items() if k != "reason"}
    return rest, str(changes.get("reason") or "").strip()


def is_reopen(source: str, target: str | None) -> bool:
    return source == Status.RESOLVED and target == Status.IN_PROGRESS


def check(source: str, target: str | None, reason: str) -> dict[str, str]:
    """The audit note for a reopen (its reason); a reopen without one is refused, and a
    reason is refused on any other change (it would be lost)."""
    if not is_reopen(source, target):
        if reason:
            raise ValidationFailed.one("reason", _("a reason is taken only when reopening"))
        return {}
    if not reason:
        raise ValidationFailed.one("reason", _("say why you reopen it"))
    if len(reason) > MAX_REASON:
        raise ValidationFailed.one(
            "reason", _("at most %(count)s characters") % {"count": MAX_REASON}
        )
    return {"reason": reason}


def reply_text(reason: str) -> str:
    return _("Reopened: %(reason)s") % {"reason": reason}
