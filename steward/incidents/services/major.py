"""Making an incident major after it was opened: counted, and announced once (decision 0067).

A create as major is announced by its ``incident.created`` (promotion 0); every later move of
``is_major`` from false to true, whatever path wrote it (the API, the web form, a service of
another app), goes through ``incident_update`` and so through these two steps: the count
moves in ``apply`` (saved with the change, under the row lock) and ``incident.made_major``
is emitted in the same transaction. The consumer keys the mail by (incident, promotion).
"""

from __future__ import annotations

from typing import Any

from steward.core import outbox
from steward.core.actor import Actor
from steward.incidents.models import Incident


def count_promotion(incident: Incident, clean: dict[str, Any]) -> None:
    """Before the values are set: a move from not major to major is one more promotion."""
    if clean.get("is_major") and not incident.is_major:
        incident.major_promotions += 1


def announce_promotion(actor: Actor, incident: Incident, changed: list[str]) -> None:
    """After the write, in its transaction: the promotion's own event (a demotion has none)."""
    if "is_major" not in changed or not incident.is_major:
        return
    outbox.emit(
        "incident.made_major",
        incident,
        number=incident.number,
        promotion=incident.major_promotions,
        by=actor.user.pk if actor.user is not None else None,
    )
