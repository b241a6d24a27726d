"""Agents' saved queue filters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.incidents.models import SavedView

SAVED_VIEW_KEYS = {"queue", "status", "priority", "team", "q", "order"}


@transaction.atomic
def saved_view_save(actor: Actor, *, name: str, query: str) -> SavedView:
    """Save (or overwrite) one of your queue filters under a name."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationFailed.one("name", _("required, at most 60 characters"))
    pairs = [(k, v) for k, v in parse_qsl(query or "") if k in SAVED_VIEW_KEYS and v]
    if SavedView.objects.filter(user=actor.user).exclude(name=name).count() >= 30:
        raise ValidationFailed.one("name", _("at most 30 saved views; delete one first"))
    view, _created = SavedView.objects.update_or_create(
        user=actor.user, name=name, defaults={"query": urlencode(pairs)[:1000]}
    )
    return view


@transaction.atomic
def saved_view_delete(actor: Actor, *, view_id: int) -> None:
    """Delete one of your saved views (idempotent)."""
    SavedView.objects.filter(user=actor.user, pk=view_id).delete()
