"""The bulk import as main wrote it before decision 0080 (each row checked through every
rule, an ``Incident`` built and read back per row, the audit changes and search rows made
by the shared helpers), kept to check that the new path writes the same rows
(tests/incidents/test_bulk_rows_unchanged.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, inserts, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Team, User
from steward.core.numbering import next_numbers
from steward.incidents import selectors
from steward.incidents.choices import IncidentChannel, ResolutionCode, Status
from steward.incidents.models import Category, Incident
from steward.incidents.services import AUDITED, clocks, search_index, validation
from steward.incidents.services.fields import service_class_ids
from steward.sla import services as sla

MAX_ROWS = 50_000
_STATUSES = frozenset(Status.values)  # ``values`` builds its list on every read
TIMES = ("opened_at", "first_response_at", "resolved_at", "closed_at")
FIELDS = {
    "title",
    "description",
    "caller",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "team",
    "assignee",
    "status",
    "channel",
    "resolution_code",
    "resolution_notes",
    "is_major",
    "affected_service",
    "configuration_item",
    *TIMES,
}


class _Refs:
    """Every reference a batch may use, loaded once; ``validation`` judges each row's."""

    def __init__(self, actor: Actor, rows: list[Mapping[str, Any]]) -> None:
        def wanted(field: str) -> set[str]:
            return {r[field] for r in rows if r.get(field)}

        # inactive users too, so a row naming one gets the service's message, not "no user"
        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in=wanted("caller") | wanted("assignee")
            ).select_related("organisation")
        }
        self.teams = {
            t.slug: t for t in core_selectors.team_visible(actor).filter(slug__in=wanted("team"))
        }
        self.members: set[tuple[int, int]] = set(
            Team.members.through.objects.filter(team__in=self.teams.values()).values_list(
                "team_id", "user_id"
            )
        )
        self.categories = {
            c.slug: c
            for c in Category.objects.filter(slug__in=wanted("category") | wanted("subcategory"))
        }
        self.matrix = selectors.priority_matrix()
        numbers = {
            validation.ci_number(n)
            for n in wanted("configuration_item") | wanted("affected_service")
        }
        self.cis = {
            ci.number: ci for ci in cmdb_selectors.ci_visible(actor).filter(number__in=numbers)
        }
        self.service_classes = service_class_ids() if wanted("affected_service") else set()

        self._by_team: dict[int, set[int]] = {}
        for team_id, user in self.members:
            self._by_team.setdefault(team_id, set()).add(user)

    def team_members(self, team: Team) -> set[int]:
        return self._by_team.get(team.pk, set())


def _time(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError("not an ISO 8601 date-time")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


class _Errors(dict):
    """A row's problems by field: ``check`` runs one rule and keeps its message."""

    def check(self, rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return rule(*args, **kwargs)
        except ValidationFailed as exc:
            for field, messages in exc.fields.items():
                self.setdefault(field, messages[0])
            return None


def _build(row: Mapping[str, Any], refs: _Refs, now: dt.datetime) -> tuple[dict, dict]:
    errors = _Errors()
    for name in sorted(set(row) - FIELDS):
        errors[name] = "unknown field"
    values: dict[str, Any] = {
        "title": errors.check(validation.title, row.get("title")),
        "description": str(row.get("description") or ""),
    }
    caller_key = row.get("caller")
    caller = refs.users.get(caller_key or "")
    caller = errors.check(
        validation.reference,
        "caller",
        caller_key or "",
        caller if caller is not None and caller.is_active else None,
        label="user",
    )
    if caller is None and "caller" not in errors:
        errors["caller"] = "required"
    for field in ("impact", "urgency"):
        values[field] = errors.check(validation.level, field, row.get(field, 3))
    category = errors.check(
        validation.category, row.get("category"), refs.categories.get(row.get("category") or "")
    )
    values["category"] = category
    values["subcategory"] = errors.check(
        validation.subcategory,
        row.get("subcategory"),
        refs.categories.get(row.get("subcategory") or ""),
        category,
    )
    team = errors.check(validation.team, row.get("team"), refs.teams.get(row.get("team") or ""))
    assignee = errors.check(
        validation.assignee, row.get("assignee"), refs.users.get(row.get("assignee") or "")
    )
    if team is not None and assignee is not None:
        errors.check(validation.assignee_in_team, team, assignee, refs.team_members(team))
    values.update(team=team, assignee=assignee)
    status = row.get("status") or (Status.ASSIGNED if team or assignee else Status.NEW)
    if status not in _STATUSES:
        errors["status"] = f"unknown status {status!r}"
    channel = errors.check(
        validation.choice, "channel", row.get("channel") or IncidentChannel.API, IncidentChannel
    )
    code = errors.check(
        validation.choice, "resolution_code", row.get("resolution_code") or "", ResolutionCode
    )
    if status in (Status.RESOLVED, Status.CLOSED) and not code and "resolution_code" not in errors:
        errors["resolution_code"] = "required for resolved and closed incidents"
    for field in TIMES:
        try:
            values[field] = _time(row.get(field))
        except ValueError as exc:
            errors[field] = str(exc)
    ci_key, service_key = row.get("configuration_item"), row.get("affected_service")
    ci = errors.check(
        validation.configuration_item, ci_key, refs.cis.get(validation.ci_number(ci_key))
    )
    service = refs.cis.get(validation.ci_number(service_key))
    service = errors.check(
        validation.affected_service,
        service_key,
        service,
        is_service=service is not None and service.ci_class_id in refs.service_classes,
    )
    if errors:
        return {}, dict(errors)
    impact, urgency = values["impact"], values["urgency"]
    values.update(
        caller=caller,
        organisation=caller.organisation,
        status=status,
        channel=channel,
        resolution_code=code,
        resolution_notes=str(row.get("resolution_notes") or ""),
        is_major=bool(row.get("is_major")),
        opened_at=values["opened_at"] or now,
        priority=refs.matrix.get((impact, urgency), min(5, impact + urgency - 1)),
        affected_service=service,
        configuration_item=ci,
    )
    if status in (Status.RESOLVED, Status.CLOSED) and values["resolved_at"] is None:
        values["resolved_at"] = now
    if status == Status.CLOSED and values["closed_at"] is None:
        values["closed_at"] = values["resolved_at"]
    return values, {}


@transaction.atomic
def incidents_import(actor: Actor, rows: Iterable[Mapping[str, Any]]) -> list[Incident]:
    """Create many incidents at once (administrators, the system); nothing if any row is bad."""
    if not actor.is_admin:
        raise PermissionDenied("Only administrators may bulk-import incidents.")
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.one("rows", f"at most {MAX_ROWS} rows per batch")
    refs, now = _Refs(actor, rows), timezone.now()
    built, errors = [], {}
    for number, row in enumerate(rows, start=1):
        values, row_errors = _build(row, refs, now)
        for field, message in row_errors.items():
            errors[f"rows[{number}].{field}"] = [message]
        built.append(values)
    if errors:
        raise ValidationFailed(
            errors, message=f"{len(errors)} problems in the batch; nothing was imported."
        )
    # numbers and keys taken first, so every child row names its incident without a read
    numbers = next_numbers("INC", len(built))
    ids = inserts.reserve_ids(Incident, len(built))
    incidents = [
        inserts.instance(Incident, id=pk, number=n, **values)
        for pk, n, values in zip(ids, numbers, built, strict=True)
    ]
    inserts.insert_many(incidents)
    # the same clocks, audit and events a single create gives, written in batches
    _clocks_start_history(actor, incidents)
    # ``index_new`` as it was: ``executemany`` of the one-row upsert on PostgreSQL
    docs = [
        (i.pk, search_index._public_text(i.number, i.title, i.description, ()), "")
        for i in incidents
    ]
    search_index._write(docs)
    audit.record_created_snapshots(actor, incidents, AUDITED)
    outbox.emit_batch("incidents.imported", incidents)
    return incidents


def _clocks_start_history(actor: Actor, incidents: list[Incident]) -> None:
    """Clocks for incidents created with their history (bulk imports, demo data): started
    when each was opened and moved as ``clocks_move`` would have moved them live: stopped at
    the first response and at resolution, paused on hold, stopped on cancellation. The moves
    are the single services' steps run in memory and written in one batch (the incidents
    are new in this transaction). The clocks' warning and breach follow from the next SLA
    sweep."""
    batch = sla.ClockBatch(actor)
    for incident in incidents:
        batch.start(incident, context=clocks.sla_context(incident), at=incident.opened_at)
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
