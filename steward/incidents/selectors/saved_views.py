"""Agents' saved queue filters."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.incidents.models import SavedView


def saved_views(actor: Actor) -> list[SavedView]:
    """The actor's own saved queue filters."""
    return list(SavedView.objects.filter(user=actor.user).order_by("name"))
