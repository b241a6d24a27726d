"""Agents' saved queue filters."""

from __future__ import annotations

from steward.core import stamps
from steward.core.actor import Actor
from steward.incidents.models import SavedView


def _load(user_id: int) -> tuple[SavedView, ...]:
    return tuple(SavedView.objects.filter(user_id=user_id).order_by("name"))


# every queue page shows the agent's saved views: kept per process under their stamp (a
# save or delete moves it), not read on every page
_views: stamps.Keyed[int, tuple[SavedView, ...]] = stamps.Keyed((stamps.SAVED_VIEWS,), _load)


def saved_views(actor: Actor) -> list[SavedView]:
    """The actor's own saved queue filters, by name."""
    if actor.user is None:
        return []
    return list(_views.get(actor.user.pk))
