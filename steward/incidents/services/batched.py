"""Incidents opened and answered in batches, for a mail poll's chunk (decision 0024).

``incidents_open_many`` is ``incident_create`` for many rows of one kind (the same actor,
team, category and channel; each row its title, description and caller): the same rules
(``validation``) judge every row, the assignment rule picks in order (``pick_agents``), and
numbers, incidents, search rows, SLA clocks, audit entries and events are written with one
statement per table. ``incidents_comment_many`` is ``incident_comment`` for the callers'
own public replies. Both run in the caller's transaction and raise before writing when a
row breaks a rule: the caller then falls back to the single services, row by row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from steward.core import audit, hooks, outbox
from steward.core.actor import Actor
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.models import Comment, Team
from steward.core.numbering import next_numbers
from steward.core.services.activity_many import comments_add_many
from steward.incidents import selectors
from steward.incidents.choices import IncidentChannel, Status
from steward.incidents.models import Category, Incident
from steward.incidents.services import clocks, search_index, validation
from steward.incidents.services.fields import pick_agents
from steward.incidents.services.records import AUDITED, TERMINAL
from steward.sla import services as sla


@transaction.atomic(savepoint=False)
def incidents_open_many(
    actor: Actor,
    rows: Sequence[Mapping[str, Any]],
    *,
    team: Team | None,
    category: Category | None,
    channel: str,
) -> list[Incident]:
    """``incident_create(actor, title=, caller=, description=, team=, category=,
    channel=)`` for each row (``title``, ``description``, ``caller``: an active user),
    in order. ``team`` and ``category`` are the rows found for the keys (a cached lookup);
    the single create's rules judge them here."""
    if not actor.is_agent:
        raise PermissionDenied("Only agents and the system open incidents in batches.")
    validation.choice("channel", channel, IncidentChannel)
    team = validation.team(team.slug, team) if team is not None else None
    category = validation.category(category.slug, category) if category is not None else None
    errors: dict[str, list[str]] = {}
    titles = []
    for n, row in enumerate(rows, start=1):
        try:
            titles.append(validation.title(row["title"]))
        except ValidationFailed as exc:
            errors[f"rows[{n}].title"] = exc.fields["title"]
        if row["caller"] is None or not row["caller"].is_active:
            errors[f"rows[{n}].caller"] = ["an active user"]
    if errors:
        raise ValidationFailed(errors, message="Rows break the create's rules.")
    if not rows:
        return []
    priority = selectors.priority_for(3, 3)
    assignees = pick_agents(team, len(rows)) if team is not None else [None] * len(rows)
    now = timezone.now()
    incidents = [
        Incident(
            number=number,
            title=title,
            description=row["description"],
            caller=row["caller"],
            organisation=row["caller"].organisation,
            channel=channel,
            priority=priority,
            opened_at=now,
            status=Status.ASSIGNED if team or assignee else Status.NEW,
            team=team,
            category=category,
            assignee=assignee,
        )
        for number, title, row, assignee in zip(
            next_numbers("INC", len(rows)), titles, rows, assignees, strict=True
        )
    ]
    Incident.objects.bulk_create(incidents)
    search_index.index_new(incidents)
    started = sla.ClockBatch(actor)
    for incident in incidents:
        started.start(incident, context=clocks.sla_context(incident), at=now)
    started.write()
    audit.record_created_snapshots(actor, incidents, AUDITED)
    by = actor.user.pk if actor.user is not None else None
    events: list[tuple[str, Incident, dict[str, Any]]] = []
    for i in incidents:
        created = {"number": i.number, "priority": i.priority, "is_major": i.is_major}
        events.append(("incident.created", i, created))
        if i.assignee_id or i.team_id:
            assigned = {"number": i.number, "team": i.team_id, "assignee": i.assignee_id}
            events.append(("incident.assigned", i, {**assigned, "by": by}))
    outbox.emit_many(events)
    # other apps' after-create work (automation's rules, decision 0101), as each single
    # create has it; an incident they changed is read anew
    return [
        Incident.objects.get(pk=i.pk) if hooks.fire(hooks.INCIDENT_CREATED, actor, i) else i
        for i in incidents
    ]


def created_hooks_fired(
    actor: Actor, incidents: list[Incident], *, only: Sequence[str]
) -> list[Incident]:
    """Other apps' after-create work (automation's rules, decisions 0101 and 0104) for the
    ``incidents`` in a status of ``only``, one firing each, the cached stamps read once
    (``hooks.fire_each``); those a listener changed are read anew, in one statement."""
    wanted = [i for i in incidents if i.status in only]
    touched = hooks.fire_each(hooks.INCIDENT_CREATED, actor, wanted)
    if not touched:
        return incidents
    fresh = Incident.objects.in_bulk([i.pk for i in touched])
    return [fresh.get(i.pk, i) for i in incidents]


@transaction.atomic(savepoint=False)
def incidents_comment_many(
    rows: Sequence[tuple[Actor, str, str]],
) -> list[tuple[Comment, Incident]]:
    """``incident_comment(actor, number=, body=)`` (a public reply) for each row, where each
    actor is the incident's own caller (a mail's sender answering their incident; the
    caller's reply is never the first response). The incidents are locked in one statement;
    one that is gone, closed or not the actor's raises ``NotFound`` before anything is
    written."""
    numbers = {number for _, number, _ in rows}
    locked = {
        i.number: i
        for i in Incident.objects.select_for_update(of=("self",)).filter(number__in=numbers)
    }
    targets = []
    for actor, number, _ in rows:
        incident = locked.get(number)
        if (
            incident is None
            or actor.user is None
            or incident.caller_id != actor.user.pk
            or incident.status in TERMINAL
        ):
            raise NotFound()
        targets.append(incident)
    comments = comments_add_many(
        [(actor, incident, body) for (actor, _, body), incident in zip(rows, targets, strict=True)]
    )
    search_index.reindex(sorted({i.pk for i in targets}))
    outbox.emit_many(
        [
            (
                "incident.commented",
                incident,
                {"number": incident.number, "comment": comment.pk, "internal": False},
            )
            for comment, incident in zip(comments, targets, strict=True)
        ]
    )
    return list(zip(comments, targets, strict=True))
