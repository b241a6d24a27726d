"""Linking incidents to problems, audited on both records so each timeline shows it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from steward.core.services.common import resolve_ref
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors
from steward.problems.choices import TERMINAL_STATES
from steward.problems.models import Problem, ProblemIncident


def link_incident(actor: Actor, problem: Problem, incident) -> ProblemIncident:  # noqa: ANN001
    """Link a visible incident to a locked problem; a repeated link changes nothing."""
    existing = ProblemIncident.objects.filter(problem=problem, incident=incident).first()
    if existing is not None:
        return existing
    link = ProblemIncident.objects.create(problem=problem, incident=incident, linked_by=actor.user)
    audit.record(actor, problem, before={"incident": None}, after={"incident": incident.number})
    audit.record(actor, incident, before={"problem": None}, after={"problem": problem.number})
    outbox.emit("problem.incident_linked", problem, number=problem.number, incident=incident.number)
    return link


def _load(actor: Actor, number: str, incident_number: str, field: str):  # noqa: ANN202
    problem = selectors.problem_for_update(actor, number=number)
    if not actor.is_agent:
        raise PermissionDenied(gettext("Only agents work on problems."))
    incident = resolve_ref(
        incident_selectors.incident_visible(actor),
        field,
        str(incident_number or "").strip().upper(),
        key="number",
        label="incident",
    )
    if incident is None:
        raise ValidationFailed.one(field, gettext("required"))
    return problem, incident


@transaction.atomic
def problem_link_incident(actor: Actor, *, number: str, incident: str) -> ProblemIncident:
    """Link an incident the actor may see to an open or resolved problem."""
    problem, found = _load(actor, number, incident, "incident")
    if problem.status in TERMINAL_STATES:
        raise Conflict(
            gettext("%(number)s is %(status)s; link the incident to an open problem.")
            % {"number": problem.number, "status": problem.status},
            fields={"status": [gettext("%(status)s is final") % {"status": problem.status}]},
        )
    if ProblemIncident.objects.filter(problem=problem, incident=found).exists():
        # asked again (a second tab, a retried call): said, not a silent second link
        message = gettext("%(incident)s is already linked to %(number)s.") % {
            "incident": found.number,
            "number": problem.number,
        }
        raise Conflict(message, fields={"incident": [message]})
    return link_incident(actor, problem, found)


@transaction.atomic
def problem_unlink_incident(actor: Actor, *, number: str, incident: str) -> None:
    """Remove an incident's link to a problem; ``NotFound`` if it was not linked."""
    problem, found = _load(actor, number, incident, "incident")
    deleted, _ = ProblemIncident.objects.filter(problem=problem, incident=found).delete()
    if not deleted:
        raise NotFound()
    audit.record(actor, problem, before={"incident": found.number}, after={"incident": None})
    audit.record(actor, found, before={"problem": problem.number}, after={"problem": None})
    outbox.emit("problem.incident_unlinked", problem, number=problem.number, incident=found.number)
