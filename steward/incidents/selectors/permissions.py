"""What an actor may do with an incident: the pages' buttons and forms come from here, the
services enforce the same rules (agents work incidents; requesters reply to, cancel and
reopen their own; a closed or cancelled incident is final)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from steward.core.actor import Actor
from steward.core.selectors.queues import my_team_ids
from steward.core.workflow import Move
from steward.incidents.choices import OPEN_STATES, Status
from steward.incidents.models import Incident
from steward.incidents.selectors.records import incident_allowed_transitions
from steward.incidents.workflow import INCIDENT_FLOW

FINAL_STATES = (Status.CLOSED, Status.CANCELLED)
# the moves that finish the work, offered as the main button
PRIMARY_MOVES = (Status.RESOLVED,)


@dataclass(frozen=True)
class IncidentCapabilities:
    """What the incident page offers the actor.

    ``is_requester_view``: the page is the caller's view of their own incident (replies,
    cancel and reopen), never the agents' "Work it" panel."""

    can_take: bool
    can_assign: bool
    can_edit: bool
    can_resolve: bool
    can_comment: bool
    can_write_work_notes: bool
    is_requester_view: bool
    moves: tuple[Move, ...]


def incident_moves(actor: Actor, incident: Incident) -> tuple[Move, ...]:
    """The status moves the actor may make, labelled as the workflow names them."""
    return INCIDENT_FLOW.moves(
        incident.status, incident_allowed_transitions(actor, incident), primary=PRIMARY_MOVES
    )


def _can_take(actor: Actor, incident: Incident, team_ids: Collection[int]) -> bool:
    """An agent takes an open, unassigned incident of no team or of one of their teams (the
    same incidents "Assign selected to me" accepts)."""
    return actor.is_agent and actor.user is not None and _takeable(incident, team_ids)


def _takeable(incident: Incident, team_ids: Collection[int]) -> bool:
    """``_can_take``'s rule for the incident, once the actor is known to be a person agent."""
    return (
        incident.status in OPEN_STATES
        and incident.assignee_id is None
        and (incident.team_id is None or incident.team_id in team_ids)
    )


def incidents_takeable(actor: Actor, incidents: Iterable[Incident]) -> set[str]:
    """The numbers of the listed incidents the actor may take (one query for their teams)."""
    if not actor.is_agent or actor.user is None:
        return set()
    team_ids = set(my_team_ids(actor))
    # the actor's part of ``_can_take`` asked once, not once a row (a role look-up each)
    return {i.number for i in incidents if _takeable(i, team_ids)}


def _assignable_to_self(incident: Incident, team_ids: Collection[int]) -> bool:
    """The rule of "Assign selected to me", the actor known to be a person agent: an
    incident not closed or cancelled, of no team or of one of the agent's teams (an
    assignee stays in the incident's team: ``services.records``' check)."""
    return incident.status not in FINAL_STATES and (
        incident.team_id is None or incident.team_id in team_ids
    )


def incident_assignable_to_self(actor: Actor, incident: Incident) -> bool:
    """Whether "Assign selected to me" may give the incident to the actor (the service
    ``incident_assign_to_self`` asks this; the queue offers its tick box by the same rule)."""
    return (
        actor.is_agent
        and actor.user is not None
        and _assignable_to_self(incident, set(my_team_ids(actor)))
    )


def incidents_selectable(actor: Actor, incidents: Iterable[Incident]) -> set[str]:
    """The numbers of the listed incidents a bulk action of the queue can act on for the
    actor, so the queue offers their tick box: those "Assign selected to me" accepts
    (``_assignable_to_self``, as ``incident_assignable_to_self``) and the resolved ones,
    which "Close selected (resolved)" closes. One query for the actor's teams."""
    if not actor.is_agent or actor.user is None:
        return set()
    team_ids = set(my_team_ids(actor))
    return {
        i.number
        for i in incidents
        if i.status == Status.RESOLVED or _assignable_to_self(i, team_ids)
    }


def incident_capabilities(actor: Actor, incident: Incident) -> IncidentCapabilities:
    """Agents take, assign, edit and move an incident until it is closed or cancelled and
    write replies and work notes at any time; the caller (a requester) replies, and cancels
    or reopens it as the workflow allows."""
    agent = actor.is_agent
    workable = agent and incident.status not in FINAL_STATES
    moves = incident_moves(actor, incident)
    return IncidentCapabilities(
        can_take=_can_take(actor, incident, set(my_team_ids(actor)) if agent else set()),
        can_assign=workable,
        can_edit=workable,
        can_resolve=any(m.target == Status.RESOLVED for m in moves),
        can_comment=True,  # whoever may see the incident may write on it
        can_write_work_notes=agent,
        is_requester_view=not agent,
        moves=moves,
    )
