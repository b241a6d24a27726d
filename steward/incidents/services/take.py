"""Taking an incident: the agent's one-click assignment to themselves, and who may take
work queued elsewhere."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core.actor import Actor
from steward.core.errors import Conflict, PermissionDenied
from steward.core.services.common import check_version
from steward.core.services.references import not_in_team
from steward.incidents import selectors
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.incidents.services.records import incident_update


@transaction.atomic
def incident_take(actor: Actor, *, number: str, expected_version: int | None = None) -> Incident:
    """An agent takes an incident: assigned to them and in progress. An agent takes only
    incidents of their teams or of no team; an administrator or the team's lead may take
    any, leaving a team they are not in, so the assignment stays consistent.

    The incident is locked first, so of two agents taking it at once the second sees the
    first one's assignment: an incident assigned to someone else is not taken (409) unless
    the actor may reassign it (an administrator, or the lead of its team); a stale
    ``expected_version`` is refused (412) as for any update."""
    if actor.user is None or not actor.is_agent:
        raise PermissionDenied(_("Only agents take incidents."))
    incident = selectors.incident_for_update(actor, number=number)
    check_version(incident, expected_version)
    holder = incident.assignee
    if holder is not None and holder.pk != actor.user.pk and not _may_reassign(actor, incident):
        raise Conflict(
            _(
                "%(number)s is already assigned to %(username)s; "
                "ask them or the team lead to reassign it."
            )
            % {"number": incident.number, "username": holder.username},
            fields={"assignee": [_("assigned to %(username)s") % {"username": holder.username}]},
        )
    changes: dict[str, Any] = {"assignee": actor.user.username}
    if incident.status != Status.IN_PROGRESS:
        changes["status"] = Status.IN_PROGRESS
    if incident.team_id and not incident.team.members.filter(pk=actor.user.pk).exists():
        if not _may_reassign(actor, incident):  # as "Assign selected to me" refuses it
            raise Conflict(
                _(
                    "%(number)s is queued for %(name)s, a team you are not in; "
                    "ask its lead to assign it to you."
                )
                % {"number": incident.number, "name": incident.team.name},
                fields={"team": [_("you are not in %(name)s") % {"name": incident.team.name}]},
            )
        changes["team"] = None  # an administrator or lead takes it out of the team's queue
    return incident_update(actor, number=number, expected_version=incident.version, changes=changes)


@transaction.atomic
def incident_assign_to_self(actor: Actor, *, number: str) -> Incident:
    """The "Assign selected to me" of one ticked incident: refused unless
    ``selectors.incident_assignable_to_self`` allows it, the rule by which the queue offers
    the tick box (another team's incident: the update's own words, naming the team); then
    the assignment is an ordinary update (audited, announced)."""
    if actor.user is None or not actor.is_agent:
        raise PermissionDenied(_("Only agents take incidents."))
    incident = selectors.incident_for_update(actor, number=number)
    if not selectors.incident_assignable_to_self(actor, incident):
        if incident.status in (Status.CLOSED, Status.CANCELLED):
            raise PermissionDenied(
                _("The incident is closed or cancelled."),
                fields={"status": [_("closed or cancelled")]},
            )
        raise not_in_team(incident.team)
    return incident_update(
        actor,
        number=number,
        expected_version=incident.version,
        changes={"assignee": actor.user.username},
    )


def _may_reassign(actor: Actor, incident: Incident) -> bool:
    """Administrators, and the lead of the incident's team, move work between agents."""
    if actor.is_admin:
        return True
    return incident.team is not None and incident.team.lead_id == actor.user.pk
