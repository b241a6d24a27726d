"""Problem write use cases: create (also from an incident), update with status moves, comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Comment
from steward.core.numbering import next_number
from steward.core.services import comment_add
from steward.core.services.common import reject_unknown, resolve_ref
from steward.core.services.records import RecordRules, record_update
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors
from steward.problems.choices import NOTIFYING_STATES, TERMINAL_STATES, Status
from steward.problems.models import Problem
from steward.problems.services.links import link_incident
from steward.problems.services.validation import clean_fields
from steward.problems.workflow import PROBLEM_FLOW

EDITABLE = {
    "title",
    "description",
    "category",
    "organisation",
    "impact",
    "urgency",
    "affected_service",
    "configuration_item",
    "team",
    "assignee",
    "root_cause",
    "workaround",
    "resolution_notes",
}
AUDITED = sorted(
    EDITABLE | {"number", "status", "priority", "known_error_at", "resolved_at", "closed_at"}
)


def require_agent(actor: Actor) -> None:
    """Problem management is the IT staff's work; requesters never write problems."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only agents work on problems."))


def _prefill_from_incident(actor: Actor, number: Any, fields: dict[str, Any]) -> Any:
    """What a problem raised from an incident inherits unless the caller says otherwise."""
    incident = resolve_ref(
        incident_selectors.incident_visible(actor).select_related(
            "category", "subcategory", "organisation", "configuration_item"
        ),
        "from_incident",
        number,
        key="number",
        label="incident",
    )
    if incident is None:
        raise ValidationFailed.one("from_incident", _("required"))
    category = incident.subcategory or incident.category
    inherited: dict[str, Any] = {
        "description": f"Raised from {incident.number}.\n\n{incident.description}".strip(),
        "impact": incident.impact,
        "urgency": incident.urgency,
    }
    if category is not None:
        inherited["category"] = category.slug
    if incident.organisation is not None:
        inherited["organisation"] = incident.organisation.slug
    if incident.configuration_item is not None:
        inherited["configuration_item"] = incident.configuration_item.number
    for name, value in inherited.items():
        fields.setdefault(name, value)
    return incident


@transaction.atomic
def problem_create(
    actor: Actor, *, title: str | None = None, from_incident: str | None = None, **fields: Any
) -> Problem:
    """Log a problem (optionally raised from an incident: prefilled from it and linked);
    priority from the incidents' matrix; audited."""
    require_agent(actor)
    reject_unknown(fields, EDITABLE - {"title"})
    incident = None
    if from_incident is not None:
        incident = _prefill_from_incident(actor, from_incident, fields)
        if title in (None, ""):
            title = incident.title
    clean = clean_fields(actor, {"title": title, **fields}, None)
    if clean.get("organisation") is None and clean.get("configuration_item") is not None:
        # a problem about one customer's CI belongs to that customer
        clean["organisation"] = clean["configuration_item"].organisation
    impact, urgency = clean.get("impact", 3), clean.get("urgency", 3)
    problem = Problem(
        number=next_number("PRB"),
        priority=incident_selectors.priority_for(impact, urgency),
        status=Status.NEW,
        **clean,
    )
    problem.save()
    audit.record(actor, problem, action=AuditAction.CREATE, after=audit.snapshot(problem, AUDITED))
    outbox.emit("problem.created", problem, number=problem.number, priority=problem.priority)
    if incident is not None:
        link_incident(actor, problem, incident)
    return problem


def _apply_status(problem: Problem, target: str, now: dt.datetime) -> None:
    source = problem.status
    problem.status = target
    if target == Status.KNOWN_ERROR:
        problem.known_error_at = now
    elif source == Status.KNOWN_ERROR and target == Status.INVESTIGATING:
        problem.known_error_at = None  # withdrawn: no longer suggested
    if target == Status.RESOLVED:
        problem.resolved_at = now
    if source == Status.RESOLVED and target == Status.INVESTIGATING:  # reopened
        problem.resolved_at = None
    if target == Status.CLOSED:
        problem.closed_at = now


def _notify_option(changes: dict[str, Any], target: str | None, moving: bool) -> bool:
    value = changes.pop("notify_callers", None)
    if value is None or value is False:
        return False
    if value is not True:
        raise ValidationFailed.one("notify_callers", _("must be true or false"))
    if not moving or target not in NOTIFYING_STATES:
        raise ValidationFailed.one(
            "notify_callers", _("only with a status change to resolved or closed")
        )
    return True


# what record_update needs to know: status and notify_callers are named in ``changes`` too,
# and handled by ``_clean`` and ``_apply`` below
RULES = RecordRules(
    editable=EDITABLE | {"status", "notify_callers"},
    audited=AUDITED,
    terminal=TERMINAL_STATES,
    event="problem.updated",
)


def _load(actor: Actor, number: str) -> Problem:
    problem = selectors.problem_for_update(actor, number=number)
    require_agent(actor)  # "agents only" comes before any other answer
    return problem


def _clean(actor: Actor, problem: Problem, changes: dict[str, Any]) -> dict[str, Any]:
    """The field values checked by ``clean_fields``, plus the status move and whether to tell
    the callers (``notify_callers``), both checked here."""
    changes = dict(changes)
    target = changes.pop("status", None)
    moving = target is not None and target != problem.status
    notify = _notify_option(changes, target, moving)
    if target is not None and not isinstance(target, str):
        raise ValidationFailed.one("status", _("must be a status name"))
    clean = clean_fields(actor, changes, problem)
    if moving:
        clean["status"] = target
    clean["notify_callers"] = notify
    return clean


def _apply(problem: Problem, clean: dict[str, Any]) -> None:
    """Assign the values, derive the priority, then move the status: the workflow's guards
    are checked against the record as it will be, so a field cleared in the same change
    does not pass a guard on its old value."""
    clean = dict(clean)
    target = clean.pop("status", None)
    clean.pop("notify_callers")
    for name, value in clean.items():
        setattr(problem, name, value)
    if "impact" in clean or "urgency" in clean:
        problem.priority = incident_selectors.priority_for(problem.impact, problem.urgency)
    if target is not None:
        PROBLEM_FLOW.check(problem, target=target, data={})
        _apply_status(problem, target, timezone.now())


@transaction.atomic
def problem_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Problem:
    """Change a problem; status moves follow PROBLEM_FLOW (a known error needs a workaround,
    resolving needs root cause and resolution notes); ``notify_callers`` on resolve or close
    mails the callers of the linked incidents once each, after commit."""
    cleaned: dict[str, Any] = {}

    def clean(problem: Problem, values: dict[str, Any]) -> dict[str, Any]:
        cleaned.update(_clean(actor, problem, values))
        return cleaned

    done = record_update(
        actor,
        load=lambda: _load(actor, number),
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=clean,
        apply=_apply,
    )
    problem = done.record
    if not done.changed:
        return problem
    if "status" in done.changed and problem.status == Status.KNOWN_ERROR:
        outbox.emit("problem.known_error_published", problem, number=problem.number)
    if cleaned.get("notify_callers"):
        outbox.emit(
            "problem.fixed", problem, number=problem.number, status=problem.status, notify=True
        )
    return problem


@transaction.atomic
def problem_comment(actor: Actor, *, number: str, body: str, internal: bool = False) -> Comment:
    """A note on a problem (agents only; every note is for IT, ``internal`` marks work notes)."""
    problem = selectors.problem_for_update(actor, number=number)
    require_agent(actor)
    comment = comment_add(actor, target=problem, body=body, internal=internal)
    outbox.emit(
        "problem.commented", problem, number=problem.number, comment=comment.pk, internal=internal
    )
    return comment
