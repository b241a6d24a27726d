"""Incidents' SLA clocks kept in step with their records, for every write path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from steward.core.actor import Actor
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.sla import services as sla


def sla_context(incident: Incident) -> dict[str, Any]:
    """What SLA policies match on."""
    return {
        "priority": incident.priority,
        # a policy may name the category or one of its subcategories (the policy form's
        # picker offers both): either matches
        "category": [c.slug for c in (incident.category, incident.subcategory) if c],
        # policies name a service by its CI number
        "service": incident.affected_service.number if incident.affected_service else "",
        "organisation": incident.organisation.slug if incident.organisation else "",
    }


def clocks_move(
    actor: Actor, incident: Incident, *, before: dict, changed: list[str], now: dt.datetime
) -> None:
    """Keep the SLA clocks in step with the incident: pause on hold, stop on response and
    resolution, restart on reopen, recompute when what selects the policy changes."""
    source, target = before.get("status"), incident.status
    if {"priority", "category", "subcategory", "affected_service"} & set(changed):
        sla.clocks_recompute(actor, incident, context=sla_context(incident), at=now)
    if "first_response_at" in changed and incident.first_response_at is not None:
        sla.clock_stop(actor, incident, kind="response", at=incident.first_response_at)
    if source == target:
        return
    if target == Status.ON_HOLD:
        sla.clocks_pause(actor, incident, at=now)
    elif source == Status.ON_HOLD:
        sla.clocks_resume(actor, incident, at=now)
    if target in (Status.RESOLVED, Status.CANCELLED):
        sla.clock_stop(actor, incident, kind="response", at=now)
        sla.clock_stop(actor, incident, kind="resolution", at=now)
    elif source == Status.RESOLVED:
        sla.clock_reopen(actor, incident, kind="resolution", at=now)


def clocks_start(
    actor: Actor, incident: Incident, *, at: dt.datetime, new_record: bool = False
) -> list:
    """Start the clocks of a new incident (the policy is chosen from ``sla_context``)."""
    context = sla_context(incident)
    return sla.clocks_start(actor, incident, context=context, at=at, new_record=new_record)


def clocks_planned(incident: Incident, *, at: dt.datetime) -> list:
    """The clocks ``clocks_start`` would start for the new ``incident``, not yet written
    (``sla.clocks_write`` writes them once it is inserted)."""
    return sla.clocks_planned(incident, context=sla_context(incident), at=at)


_UNSEEN = object()
# False: each incident's policy asked of its ``sla_context`` (``ClockBatch`` keys it by the
# context's values, as before decision 0080); tests compare the rows the two write
PER_CONTEXT = True


def clocks_start_history(actor: Actor, incidents: list[Incident]) -> None:
    """Clocks for incidents created with their history (bulk imports, demo data): started
    when each was opened and moved as ``clocks_move`` would have moved them live: stopped at
    the first response and at resolution, paused on hold, stopped on cancellation. The moves
    are the single services' steps run in memory and written in one batch (the incidents
    are new in this transaction). The clocks' warning and breach follow from the next SLA
    sweep."""
    batch = sla.ClockBatch(actor)
    # the policy per distinct context, keyed by what ``sla_context`` reads (its slugs and
    # number are the referenced rows')
    policies: dict[tuple, Any] = {}
    for incident in incidents:
        key = (
            incident.priority,
            incident.category_id,
            incident.subcategory_id,
            incident.affected_service_id,
            incident.organisation_id,
        )
        policy = policies.get(key, _UNSEEN) if PER_CONTEXT else _UNSEEN
        if policy is _UNSEEN:
            policy = policies[key] = batch.policy(sla_context(incident))
        batch.start(incident, at=incident.opened_at, policy=policy)
        if incident.first_response_at:
            batch.stop(incident, kind="response", at=incident.first_response_at)
        if incident.status == Status.ON_HOLD:
            batch.pause(incident, at=incident.first_response_at or incident.opened_at)
        ended = incident.resolved_at or (
            (incident.closed_at or timezone.now()) if incident.status == Status.CANCELLED else None
        )
        if ended:
            if not incident.first_response_at:  # else stopped above already
                batch.stop(incident, kind="response", at=ended)
            batch.stop(incident, kind="resolution", at=ended)
    batch.write()
