"""What ``POST /incidents`` answers: the incident ``incident_create`` returned, as a GET of it
shows it, built from the service's own objects (no read back, no ninja getter)."""

from __future__ import annotations

from typing import Any

from steward.core.actor import Actor
from steward.incidents.models import Incident
from steward.incidents.selectors.records import incident_get
from steward.incidents.selectors.rows import COLUMNS
from steward.sla import selectors as sla_selectors

# IncidentOut's keys: its own columns, the references' shown fields ("caller.username"), and
# the two CI numbers its resolvers show ("" for none)
_NUMBERS = ("affected_service", "configuration_item")
_PLAIN = tuple(k for k in COLUMNS if "." not in k and k not in _NUMBERS)
_NAMED = tuple((k, *k.split(".")) for k in COLUMNS if "." in k)


def incident_created(actor: Actor, incident: Incident) -> Incident | dict[str, Any]:
    """The incident ``incident_create`` just returned, as ``incident_get`` would show it,
    without reading it back: a row keyed as ``IncidentOut`` reads it (as
    ``incident_shown``'s), whose references were resolved as the actor sees them and whose
    clocks are those the create started. A record without them (an idempotent retry returns
    the first one, fetched) is read as ``incident_get`` reads it (a model)."""
    started = getattr(incident, "started_clocks", None)
    if started is None:
        return incident_get(actor, number=incident.number)
    row = {key: getattr(incident, key) for key in _PLAIN}
    for key, relation, name in _NAMED:
        related = getattr(incident, relation)
        row[key] = None if related is None else getattr(related, name)
    for key in _NUMBERS:
        related = getattr(incident, key)
        row[key] = related.number if related else ""
    row["sla_clocks"] = sla_selectors.clock_statuses(started).get(str(incident.pk), [])
    return row
