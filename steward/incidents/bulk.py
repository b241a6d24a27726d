"""The bulk path for imports and demo history: validated per row, all or nothing, audited.

One pass resolves every reference from preloaded maps (no per-row queries), numbers are
allocated in one statement, and incidents, audit rows and outbox events are inserted with
``bulk_create``. A batch with any bad row writes nothing and reports every row's errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Team, User
from steward.core.numbering import next_numbers
from steward.incidents import selectors
from steward.incidents.choices import IncidentChannel, ResolutionCode, Status
from steward.incidents.models import Category, Incident
from steward.incidents.services import AUDITED

MAX_ROWS = 50_000
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
    """Every reference a batch may use, loaded once."""

    def __init__(self, actor: Actor, rows: list[Mapping[str, Any]]) -> None:
        def wanted(field: str) -> set[str]:
            return {r[field] for r in rows if r.get(field)}

        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in=wanted("caller") | wanted("assignee"), is_active=True
            )
        }
        self.teams = {t.slug: t for t in Team.objects.filter(slug__in=wanted("team"))}
        self.categories = {
            c.slug: c
            for c in Category.objects.filter(slug__in=wanted("category") | wanted("subcategory"))
        }
        self.matrix = selectors.priority_matrix()
        self.cis = set(
            cmdb_selectors.ci_visible(actor)
            .filter(number__in=wanted("configuration_item"))
            .values_list("number", flat=True)
        )


def _time(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError("not an ISO 8601 date-time")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _build(row: Mapping[str, Any], refs: _Refs, now: dt.datetime) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    unknown = sorted(set(row) - FIELDS)
    for name in unknown:
        errors[name] = "unknown field"
    title = str(row.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = "required, at most 200 characters"
    values: dict[str, Any] = {"title": title, "description": str(row.get("description") or "")}
    caller = refs.users.get(row.get("caller") or "")
    if caller is None:
        errors["caller"] = f"no user {row.get('caller')!r}"
    for field in ("impact", "urgency"):
        level = row.get(field, 3)
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 3:
            errors[field] = "must be 1, 2 or 3"
        values[field] = level
    for field, table in (
        ("category", refs.categories),
        ("subcategory", refs.categories),
        ("team", refs.teams),
        ("assignee", refs.users),
    ):
        key = row.get(field)
        values[field] = table.get(key) if key else None
        if key and values[field] is None:
            errors[field] = f"no {field} {key!r}"
    status = row.get("status") or (Status.ASSIGNED if values["team"] else Status.NEW)
    if status not in Status.values:
        errors["status"] = f"unknown status {status!r}"
    channel = row.get("channel") or IncidentChannel.API
    if channel not in IncidentChannel.values:
        errors["channel"] = f"unknown channel {channel!r}"
    code = row.get("resolution_code") or ""
    if code and code not in ResolutionCode.values:
        errors["resolution_code"] = f"unknown code {code!r}"
    if status in (Status.RESOLVED, Status.CLOSED) and not code:
        errors["resolution_code"] = "required for resolved and closed incidents"
    for field in TIMES:
        try:
            values[field] = _time(row.get(field))
        except ValueError as exc:
            errors[field] = str(exc)
    ci = str(row.get("configuration_item") or "")
    if ci and ci not in refs.cis:
        errors["configuration_item"] = f"no CI {ci!r}"
    if errors:
        return {}, errors
    impact, urgency = values["impact"], values["urgency"]
    values.update(
        caller=caller,
        organisation_id=caller.organisation_id,
        status=status,
        channel=channel,
        resolution_code=code,
        resolution_notes=str(row.get("resolution_notes") or ""),
        is_major=bool(row.get("is_major")),
        opened_at=values["opened_at"] or now,
        priority=refs.matrix.get((impact, urgency), min(5, impact + urgency - 1)),
        affected_service=str(row.get("affected_service") or ""),
        configuration_item=str(row.get("configuration_item") or ""),
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
    numbers = next_numbers("INC", len(built))
    incidents = Incident.objects.bulk_create(
        [Incident(number=n, **values) for n, values in zip(numbers, built, strict=True)],
        batch_size=2000,
    )
    audit.record_created_many(actor, incidents, lambda i: audit.snapshot(i, AUDITED))
    outbox.emit_batch("incidents.imported", incidents)
    return incidents
