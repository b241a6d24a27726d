"""Incident write use cases: create, update (incl. status moves), take, comment, auto-close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import audit, hooks, inserts, outbox, pipeline
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Organisation
from steward.core.numbering import next_number, number_sql
from steward.core.selectors import cached
from steward.core.services import comment_add
from steward.core.services.common import reject_unknown, unknown_ref
from steward.core.services.records import RecordRules, record_update
from steward.core.services.references import refuse_unserved
from steward.incidents import selectors
from steward.incidents.choices import OPEN_STATES, IncidentChannel, ResolutionCode, Status
from steward.incidents.models import Incident, IncidentSettings
from steward.incidents.services import clocks, major, reopen, routing, search_index, validation
from steward.incidents.services.comments import incident_comment
from steward.incidents.services.fields import (
    _check_assignee_in_team,
    _clean_refs,
    _default_channel,
    _pick_agent,
    apply_priority,
    apply_status,
    user_visible_by_name,
)
from steward.incidents.workflow import INCIDENT_FLOW
from steward.sla import services as sla

AGENT_FIELDS = {
    "title",
    "description",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "priority",
    "priority_override_reason",
    "team",
    "assignee",
    "status",
    "on_hold_reason",
    "resolution_code",
    "resolution_notes",
    "is_major",
    "parent",
    "affected_service",
    "configuration_item",
}
REQUESTER_FIELDS = {"title", "description", "status"}
AUDITED = sorted(
    AGENT_FIELDS
    | {
        "number",
        "caller",
        "channel",
        "reassignment_count",
        "first_response_at",
        "resolved_at",
        "closed_at",
    }
)
TERMINAL = (Status.CLOSED, Status.CANCELLED)
EXTERNAL = ("external_source", "external_id")


def incident_settings() -> IncidentSettings:
    return IncidentSettings.objects.first() or IncidentSettings()


def incident_create(
    actor: Actor, *, title: str, caller: str | None = None, **fields: Any
) -> Incident:
    """Log an incident: priority from the matrix, assignment rule applied, audited.

    Checks and reads come first, outside the transaction, so SQLite's write lock (taken at
    BEGIN IMMEDIATE) is held for the writes alone; a reference removed in between fails
    the insert on its foreign key and nothing is written.
    """
    reject_unknown(
        fields,
        AGENT_FIELDS
        - {
            "status",
            "priority",
            "priority_override_reason",
            "resolution_code",
            "resolution_notes",
            "on_hold_reason",
        }
        | {"channel", "external_source", "external_id"},
    )
    if not actor.is_agent:
        denied = sorted(
            set(fields)
            - {
                "description",
                "category",
                "subcategory",
                "impact",
                "urgency",
                "affected_service",
                "configuration_item",
            }
        )
        if denied or (caller and caller != actor.user.username):
            raise PermissionDenied(
                _("Requesters log incidents for themselves only."),
                fields={n: ["agents only"] for n in denied or ["caller"]},
            )
    channel = fields.pop("channel", None) or _default_channel(actor)
    validation.choice("channel", channel, IncidentChannel)
    clean = _clean_refs(actor, {"title": title, **fields}, None)
    if caller:
        # the organisation joined: the SLA clocks match on its slug (below); the row is kept
        # per process under the AUTH stamp (decision 0061)
        visible = core_selectors.user_visible(actor).select_related("organisation")
        caller_user = user_visible_by_name(actor, caller, visible)
        if caller_user is None:
            raise unknown_ref("caller", "user", caller)
        organisation = caller_user.organisation
    elif actor.user is not None:
        caller_user = actor.user
        organisation = _organisation_of(actor, caller_user)
    else:
        raise ValidationFailed.one("caller", _("required when the system logs an incident"))
    # an agent limited to organisations logs for those she serves (or none), herself too
    refuse_unserved(actor, "caller", caller_user.organisation_id)
    if not actor.is_agent and clean.get("team") is None:
        clean["team"] = routing.routed_team(
            category=clean.get("category"),
            subcategory=clean.get("subcategory"),
            service=clean.get("affected_service"),
        )
    _check_assignee_in_team(clean.get("team"), clean.get("assignee"))
    impact, urgency = clean.get("impact", 3), clean.get("urgency", 3)
    priority = selectors.priority_for(impact, urgency)
    # the record and its clocks are worked out before BEGIN (CPU only: the policy match and
    # the due times), so SQLite's write lock is held for the writes (decision 0065)
    now = timezone.now()
    incident = _new(clean, (caller_user, organisation), channel, priority, now)
    planned = clocks.clocks_planned(incident, at=now)
    with transaction.atomic():
        # the assignment rule's state is read and moved in the transaction (two creates
        # must not both pick the same next agent), before the pipeline: Django reads the
        # UPDATE's row count, which a pipelined statement has not got yet
        if clean.get("team") is not None and clean.get("assignee") is None:
            incident.assignee = _pick_agent(clean["team"])
        # the incident and the rows nobody reads back (index, clocks, audit, outbox) go to
        # PostgreSQL in two round trips (core.pipeline, decision 0019)
        with pipeline.sent_together():
            incident = _insert(actor, incident, planned)
        # other apps' after-create work (automation's rules, decision 0101), in this
        # transaction; a record they changed is read anew for the answer
        if hooks.fire(hooks.INCIDENT_CREATED, actor, incident):
            incident = Incident.objects.get(pk=incident.pk)
    return incident


def _organisation_of(actor: Actor, user: Any) -> Organisation | None:
    """The user's organisation as it is now (a renamed organisation must be matched by its
    new slug at once): the user's kept row, joined with it, under the AUTH stamp that an
    organisation's save moves too (decision 0061)."""
    if user.organisation_id is None:
        return None
    row = cached.user_by_username(actor, user.username)
    if row and row.organisation_id == user.organisation_id:
        return row.organisation
    return Organisation.objects.filter(pk=user.organisation_id).first()


def _new(
    clean: dict[str, Any],
    caller: tuple[Any, Organisation | None],
    channel: str,
    priority: int,
    now: dt.datetime,
) -> Incident:
    """The new incident, not yet written (its number and id come with the insert)."""
    caller_user, organisation = caller
    incident = Incident(
        caller=caller_user,
        organisation_id=caller_user.organisation_id,
        channel=channel,
        priority=priority,
        opened_at=now,
        status=Status.ASSIGNED if clean.get("team") or clean.get("assignee") else Status.NEW,
        **clean,
    )
    if organisation is not None:
        # read before the transaction: the SLA context's lazy read of it was a query holding
        # SQLite's write lock, which every other create waits on
        incident.organisation = organisation
    return incident


def _insert(actor: Actor, incident: Incident, planned: list) -> Incident:
    """The writes of ``incident_create``, in its transaction: ``incident`` and the clocks
    ``planned`` for it."""
    # the number: PostgreSQL's sequence in the INSERT itself, else the counter table first
    number = number_sql("INC")
    if number is None:
        incident.number = next_number("INC")
    inserts.insert(incident, computed={"number": number} if number else None)
    search_index.index_new([incident])  # in this transaction: found by the next request
    # kept on the record: the response is built from them, not read back (selectors.shown)
    incident.started_clocks = sla.clocks_write(actor, incident, planned)
    after = audit.snapshot(incident, AUDITED)
    if incident.external_id is not None:  # its source system's key (decision 0094), if any
        after |= audit.snapshot(incident, EXTERNAL)
    audit.record(actor, incident, action=AuditAction.CREATE, after=after)
    outbox.emit(
        "incident.created",
        incident,
        number=incident.number,
        priority=incident.priority,
        is_major=incident.is_major,
    )
    if incident.assignee_id or incident.team_id:
        _announce_assignment(actor, incident)
    return incident


def _announce_assignment(actor: Actor, incident: Incident) -> None:
    outbox.emit(
        "incident.assigned",
        incident,
        number=incident.number,
        team=incident.team_id,
        assignee=incident.assignee_id,
        by=actor.user.pk if actor.user is not None else None,  # who needs no mail about it
    )


def _editable(actor: Actor) -> set[str]:
    return AGENT_FIELDS if actor.is_agent else REQUESTER_FIELDS


# what record_update needs to know; status moves and derived fields are ``_apply``'s
# (``major_promotions`` is the promotions' count, which ``_apply`` moves: services/major.py)
RULES = RecordRules(
    _editable, AUDITED, TERMINAL, "incident.updated", also_saved=("major_promotions",)
)


def _load(actor: Actor, number: str, changes: dict[str, Any]) -> Incident:
    """The incident locked; "agents only" comes before "unknown field"."""
    incident = selectors.incident_for_update(actor, number=number)
    denied = sorted(set(changes) - _editable(actor))
    if denied and set(denied) <= AGENT_FIELDS:
        raise PermissionDenied(
            _("Only agents may change: %(value)s.") % {"value": ", ".join(denied)},
            fields={n: ["agents only"] for n in denied},
        )
    return incident


def _clean(actor: Actor, incident: Incident, changes: dict[str, Any]) -> dict[str, Any]:
    """References resolved as the actor sees them, the assignee kept in the team, and the
    priority from the matrix (or overridden with a reason)."""
    target = changes.get("status")
    if (
        target is not None
        and target != incident.status
        and not actor.is_agent
        and (incident.status, target) not in selectors.REQUESTER_MOVES
    ):
        raise PermissionDenied(
            _("Requesters may only reopen or cancel their incidents."),
            fields={"status": [_("agents only")]},
        )
    clean = _clean_refs(actor, changes, incident)
    team = clean.get("team", incident.team)
    assignee = clean.get("assignee", incident.assignee)
    if (
        "team" in clean
        and "assignee" not in clean
        and assignee is not None
        and team is not None
        and not team.members.filter(pk=assignee.pk).exists()
    ):
        clean["assignee"] = assignee = None  # moved to a team the agent is not in
    _check_assignee_in_team(team, assignee)
    apply_priority(incident, clean)
    return clean


def _apply(incident: Incident, clean: dict[str, Any], now: dt.datetime, reason: str) -> dict:
    """The workflow's guard, the reopen's reason, the values, the status move and the
    reassignment count; the reason (if any) is the audit entry's note."""
    target = clean.get("status")
    moving = target is not None and target != incident.status
    move = None
    if moving:
        data = {**clean, "_reopen_days": incident_settings().reopen_days}
        move = INCIDENT_FLOW.check(incident, target=target, data=data)
    notes = reopen.check(incident.status, target if moving else None, reason)
    previous = (incident.team_id, incident.assignee_id)
    major.count_promotion(incident, clean)
    for name, value in clean.items():
        if name != "status":
            setattr(incident, name, value)
    if moving:
        apply_status(incident, target, now)
    if previous != (incident.team_id, incident.assignee_id) and any(previous):
        incident.reassignment_count += 1
    # back in the team's queue (Hand back, Resume in queue): nobody's until someone takes it;
    # after the count, so the hand-back and the next take count once, as a handover did
    for name in move.clears if move else ():
        if name not in clean:
            setattr(incident, name, None)
    return notes


@transaction.atomic
def incident_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Incident:
    """Change an incident; status moves follow INCIDENT_FLOW (a reopen takes a ``reason``,
    posted as a reply); every change audited."""
    now = timezone.now()
    changes, reason = reopen.split(changes)
    done = record_update(
        actor,
        load=lambda: _load(actor, number, changes),
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=lambda incident, values: _clean(actor, incident, values),
        apply=lambda incident, clean: _apply(incident, clean, now, reason),
    )
    incident = done.record
    if not done.changed:
        return incident
    if reopen.is_reopen(done.before.get("status"), incident.status):
        incident_comment(actor, number=number, body=reopen.reply_text(reason))
    if {"title", "description"} & set(done.changed):
        search_index.reindex([incident.pk])  # the index row changes with the record
    clocks.clocks_move(actor, incident, before=done.before, changed=done.changed, now=now)
    if {"team", "assignee"} & set(done.changed):
        _announce_assignment(actor, incident)
    major.announce_promotion(actor, incident, done.changed)
    if "status" in done.changed and incident.status == Status.RESOLVED:
        outbox.emit("incident.resolved", incident, number=incident.number)
        _resolve_children(actor, incident)
    # other apps' after-update work (automation's rules, decision 0101), in this transaction
    if hooks.fire(hooks.INCIDENT_UPDATED, actor, incident, done.changed):
        incident = Incident.objects.get(pk=incident.pk)
    return incident


def _resolve_children(actor: Actor, parent: Incident) -> None:
    children = list(
        Incident.objects.select_for_update()
        .filter(parent=parent, status__in=OPEN_STATES)
        .values_list("number", flat=True)
    )
    for number in children:
        incident_update(
            actor,
            number=number,
            expected_version=None,
            changes={
                "status": Status.RESOLVED,
                "resolution_code": ResolutionCode.PARENT_RESOLVED,
                "resolution_notes": f"Resolved with parent {parent.number}: "
                f"{parent.resolution_notes}"[:5000],
            },
        )
        comment = comment_add(
            actor,
            target=f"incident/{number}",
            internal=False,
            body=f"Resolved together with its parent incident {parent.number}.",
        )
        search_index.reindex([int(comment.object_id)])
