"""The watch list: people kept informed beside the caller (for now, the caller's Cc on mail)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit
from steward.core.actor import Actor
from steward.core.errors import PermissionDenied
from steward.core.models import User
from steward.incidents import selectors
from steward.incidents.models import Incident


@transaction.atomic
def incident_watchers_add(actor: Actor, *, number: str, users: Iterable[User]) -> Incident:
    """Add active people to an incident's watchers (the caller never: they are told anyway).
    Agents and the system may, and the caller; a watcher may not add others. Audited."""
    incident = selectors.incident_for_update(actor, number=number)
    is_caller = actor.user is not None and actor.user.pk == incident.caller_id
    if not (actor.is_system or actor.is_agent or is_caller):
        raise PermissionDenied(_("Only agents and the caller add watchers."))
    current = set(incident.watchers.values_list("pk", flat=True))
    new = sorted({u.pk: u for u in users if u.is_active and u.pk != incident.caller_id}.items())
    added = [user for pk, user in new if pk not in current]
    if added:
        incident.watchers.add(*added)
        audit.record(
            actor,
            incident,
            before={"watchers": sorted(current)},
            after={"watchers": sorted(current | {u.pk for u in added})},
        )
    return incident
