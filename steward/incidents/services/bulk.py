"""The bulk path for imports and demo history: validated per row, all or nothing, audited.

Rows are held to the single create's rules (``validation``, with the same messages), from
references loaded once (no per-row queries); numbers and keys are taken in one statement
each, and incidents, SLA clocks, search rows, audit rows and outbox events are inserted with
one statement per table (``core.inserts.insert_many``: ``executemany`` of the single-row
INSERT), however many rows the batch has. Each incident's
SLA clocks start as of its opening and follow its history. A batch with any bad row writes
nothing and reports every row's errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from itertools import groupby
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, inserts, outbox, stamps
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Team, User
from steward.core.numbering import next_numbers
from steward.incidents import selectors
from steward.incidents.choices import OPEN_STATES, IncidentChannel, ResolutionCode, Status
from steward.incidents.models import Category, Incident
from steward.incidents.services import AUDITED, clocks, external, search_index, validation
from steward.incidents.services.batched import created_hooks_fired
from steward.incidents.services.bulk_rows import FIELDS, STATUSES, TIMES, clean, known, parse_time
from steward.incidents.services.external import Skipped
from steward.incidents.services.fields import service_class_ids
from steward.incidents.services.records import EXTERNAL

MAX_ROWS = 50_000


class _Refs:
    """Every reference a batch may use, loaded once; ``validation`` judges each row's."""

    def __init__(self, actor: Actor, rows: list[Mapping[str, Any]]) -> None:
        def wanted(field: str) -> set[str]:  # only text refers; the rows' checks word the rest
            return {v for r in rows if (v := r.get(field)) and v.__class__ is str}

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
        through = Team.members.through.objects.filter(team__in=self.teams.values())
        self.members: set[tuple[int, int]] = set(through.values_list("team_id", "user_id"))
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
    caller = known(refs.users, caller_key)
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
        validation.category, row.get("category"), known(refs.categories, row.get("category"))
    )
    values["category"] = category
    values["subcategory"] = errors.check(
        validation.subcategory,
        row.get("subcategory"),
        known(refs.categories, row.get("subcategory")),
        category,
    )
    team = errors.check(validation.team, row.get("team"), known(refs.teams, row.get("team")))
    assignee = errors.check(
        validation.assignee, row.get("assignee"), known(refs.users, row.get("assignee"))
    )
    if team is not None and assignee is not None:
        errors.check(validation.assignee_in_team, team, assignee, refs.team_members(team))
    values.update(team=team, assignee=assignee)
    status = row.get("status") or (Status.ASSIGNED if team or assignee else Status.NEW)
    if not isinstance(status, str) or status not in STATUSES:
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
            values[field] = parse_time(row.get(field))
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


@stamps.held()  # the cached configuration's stamps read once for the batch (0104)
@transaction.atomic
def incidents_import(
    actor: Actor, rows: Iterable[Mapping[str, Any]], *, skipped: list[Skipped] | None = None
) -> list[Incident]:
    """Create many incidents at once (administrators, the system); nothing if any row is bad.

    A row whose external reference is already an incident's, or an earlier row's of the
    batch, is not written, not judged further and told in ``skipped`` (decision 0094)."""
    if not actor.is_admin:
        raise PermissionDenied("Only administrators may bulk-import incidents.")
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.one("rows", f"at most {MAX_ROWS} rows per batch")
    errors: dict[str, list[str]] = {}
    rows, references, skips, firsts = _referenced(rows, errors)
    refs, now = _Refs(actor, [row for _, row in rows]), timezone.now()
    built = []
    for number, row in rows:
        values = clean(row, refs, now)
        if values is None:
            values, row_errors = _build(row, refs, now)
            for field, message in row_errors.items():
                errors[f"rows[{number}].{field}"] = [message]
        reference = references.get(number)
        if reference is not None:
            values["external_source"], values["external_id"] = reference
        built.append(values)
    if errors:
        raise ValidationFailed(
            dict(sorted(errors.items(), key=_by_row)),
            message=f"{len(errors)} problems in the batch; nothing was imported.",
        )
    if references:  # a repeat by another caller of the same organisation: skipped too
        rows, built = _one_per_scope(rows, built, references, skips, firsts)
    if skips and not built:  # every row already imported: nothing to write, no event
        if skipped is not None:
            skipped += skips
        return []
    # numbers and keys taken first, so every child row names its incident without a read
    numbers = next_numbers("INC", len(built))
    ids = inserts.reserve_ids(Incident, len(built))
    incidents = [
        inserts.instance(Incident, id=pk, number=n, **values)
        for pk, n, values in zip(ids, numbers, built, strict=True)
    ]
    inserts.insert_many(incidents)
    # the same clocks, audit and events a single create gives, written in batches
    clocks.clocks_start_history(actor, incidents)
    search_index.index_new(incidents)
    _audit_created(actor, incidents)
    outbox.emit_batch("incidents.imported", incidents)
    incidents = created_hooks_fired(actor, incidents, only=OPEN_STATES)  # the rules: 0104
    if skips and skipped is not None:  # a repeat within the batch: its first row's number
        made = {number: i.number for (number, _), i in zip(rows, incidents, strict=True)}
        skipped += [s._replace(number=s.number or made[firsts[s.row]]) for s in skips]
    return incidents


def _audit_created(actor: Actor, incidents: list[Incident]) -> None:
    """The create's audit rows, as a single create writes them: an incident with an external
    reference has its source and id in the entry too (decision 0094), one without it the
    fields as before. In the incidents' order, one statement per run of each kind (a batch
    without references: one, as before)."""
    for referenced, run in groupby(incidents, key=lambda i: i.external_id is not None):
        audit.record_created_texts(
            actor, list(run), (*AUDITED, *EXTERNAL) if referenced else AUDITED
        )


def _referenced(
    rows: list[Mapping[str, Any]], errors: dict[str, list[str]]
) -> tuple[
    list[tuple[int, Mapping[str, Any]]], dict[int, tuple[str, str]], list[Skipped], dict[int, int]
]:
    """The rows to write (with their place in the batch), the references they carry, the
    rows skipped: their reference already an incident's in the organisation of the row's
    caller (asked in one statement; amendment 6) or an earlier row's of the same caller,
    and for those the row they repeat. A bad reference is one of ``errors``; rows without
    one cost a look-up."""
    references: dict[int, tuple[str, str]] = {}
    for number, row in enumerate(rows, start=1):
        if "external_id" not in row:
            continue
        try:
            source, external_id = external.reference(
                row.get("external_source"), row.get("external_id")
            )
        except ValidationFailed as exc:
            for field, messages in exc.fields.items():
                errors[f"rows[{number}].{field}"] = messages[:1]
            continue
        if external_id is not None:
            references[number] = (source, external_id)
    if not references:
        return list(enumerate(rows, start=1)), references, [], {}
    # a caller not text is no scope: the row is judged (and refused for its caller)
    keys = {
        number: (
            caller if (caller := rows[number - 1].get("caller")).__class__ is str else "",
            *ref,
        )
        for number, ref in references.items()
    }
    there = external.existing({key for key in keys.values() if key[0]})
    kept, first, skips, firsts = [], {}, [], {}
    for number, row in enumerate(rows, start=1):
        key = keys.get(number)
        if key is not None and key[0]:
            if key in there or key in first:
                # "" until the batch's first row with it has its number
                skips.append(Skipped(number, *key[1:], there.get(key, "")))
                if key not in there:
                    firsts[number] = first[key]
                del references[number]
                continue
            first[key] = number
        kept.append((number, row))
    return kept, references, skips, firsts


def _one_per_scope(
    rows: list[tuple[int, Mapping[str, Any]]],
    built: list[dict[str, Any]],
    references: dict[int, tuple[str, str]],
    skips: list[Skipped],
    firsts: dict[int, int],
) -> tuple[list[tuple[int, Mapping[str, Any]]], list[dict[str, Any]]]:
    """The rows and values left when a reference repeats an earlier row's of another caller
    of the same organisation (known once judged): the later is skipped, as a repeat of the
    same caller's is, ``skips`` kept in the rows' order."""
    seen: dict[tuple[int, str, str], int] = {}
    left_rows, left_built = [], []
    for (number, row), values in zip(rows, built, strict=True):
        reference = references.get(number)
        if reference is not None:
            organisation = values["organisation"]
            key = (organisation.pk if organisation is not None else 0, *reference)
            if key in seen:
                skips.append(Skipped(number, *reference, ""))
                firsts[number] = seen[key]
                del references[number]
                continue
            seen[key] = number
        left_rows.append((number, row))
        left_built.append(values)
    skips.sort(key=lambda s: s.row)
    return left_rows, left_built


def _by_row(item: tuple[str, list[str]]) -> int:
    """A problem's row (a reference's problems were found first; each row's order kept)."""
    key = item[0]
    return int(key[len("rows[") :].split("]", 1)[0]) if key.startswith("rows[") else 0


class Totals(NamedTuple):
    """Where a chunked import stands: rows read, incidents made, rows skipped (0094)."""

    read: int = 0
    imported: int = 0
    skipped: int = 0


def incidents_import_chunks(
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    chunk: int = 10_000,
    progress: Callable[[Totals, list[Skipped]], None] | None = None,
) -> Totals:
    """Import a long stream of rows ``chunk`` at a time, each chunk its own transaction
    (``incidents_import``: all of a chunk or none of it); ``progress`` hears the running
    totals and the chunk's skipped rows (numbered in the stream) after each commit. A bad
    row stops the import at its chunk: the chunks before it stay, and the errors name rows
    by their place in the whole stream. A row whose external reference is already imported
    is skipped, so a whole file run again after a kill writes only what was not written."""
    if not 1 <= chunk <= MAX_ROWS:
        raise ValidationFailed.one("chunk", f"between 1 and {MAX_ROWS}")
    totals, batch = Totals(), []
    for row in _ended(rows):
        if row is not None:
            batch.append(row)
        if batch and (row is None or len(batch) == chunk):
            skipped: list[Skipped] = []
            try:
                with transaction.atomic():
                    made = len(incidents_import(actor, batch, skipped=skipped))
            except ValidationFailed as exc:
                read, done, passed = totals
                raise ValidationFailed(
                    {_shifted(key, read): messages for key, messages in exc.fields.items()},
                    message=f"{exc} Rows 1-{read} were read before this chunk:"
                    f" {done} imported, {passed} skipped as already imported.",
                ) from exc
            skipped = [s._replace(row=s.row + totals.read) for s in skipped]
            totals = Totals(
                totals.read + len(batch), totals.imported + made, totals.skipped + len(skipped)
            )
            batch = []
            if progress is not None:
                progress(totals, skipped)
    return totals


def _ended(rows: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any] | None]:
    yield from rows
    yield None


def _shifted(key: str, offset: int) -> str:
    """``rows[3].title`` of a chunk as its place in the stream."""
    if not key.startswith("rows["):
        return key
    number, rest = key[len("rows[") :].split("]", 1)
    return f"rows[{int(number) + offset}]{rest}"
