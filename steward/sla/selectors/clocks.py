"""Reads of SLA clocks: what an agent sees of a record's clocks, counted in business time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.rows import EpochMicros
from steward.core.selectors import compiled
from steward.sla.choices import ClockKind, ClockState
from steward.sla.models import SlaClock
from steward.sla.selectors import business_time
from steward.sla.selectors.business_time import CalendarSpec
from steward.sla.selectors.calendars import SpecCache, spec_for_id
from steward.sla.selectors.worked import elapsed_many


def record_ref(record: models.Model) -> tuple[ContentType, str]:
    """How a clock points at its record: content type and primary key as text."""
    return ContentType.objects.get_for_model(record, for_concrete_model=True), str(record.pk)


# each kind's place (``ClockKind.values`` builds its list anew at every read: a tenth of
# the API queue's clocks, read 100 times a page)
_KIND_ORDER = {kind: place for place, kind in enumerate(ClockKind.values)}


def kind_order(clock: SlaClock) -> int:
    """Response before resolution, as the targets come in a record's life."""
    return _KIND_ORDER[clock.kind]


@dataclass(frozen=True)
class ClockStatus:
    """What an agent sees of one clock: time left in business seconds, due time, breach."""

    kind: str
    policy: str
    policy_name: str
    state: str
    paused: bool
    started_at: dt.datetime
    due_at: dt.datetime | None  # None while paused: the due time moves until it resumes
    stopped_at: dt.datetime | None
    target_seconds: int
    elapsed_seconds: int
    time_left_seconds: int  # negative when overdue
    warned: bool
    breached: bool


def clock_elapsed(clock: SlaClock, spec: CalendarSpec, at: dt.datetime) -> int:
    """Business seconds the clock has counted by ``at``."""
    if clock.state != ClockState.RUNNING or clock.running_since is None:
        return clock.consumed_seconds
    running = business_time.business_seconds_between(
        spec, clock.running_since, max(at, clock.running_since)
    )
    return clock.consumed_seconds + running


def clocks_for(
    actor: Actor, record: models.Model, *, now: dt.datetime | None = None
) -> list[ClockStatus]:
    """The clocks of a record the caller has already been allowed to see, response first."""
    return clocks_for_many(actor, [record], now=now).get(str(record.pk), [])


def clocks_for_many(
    actor: Actor, records: list[models.Model], *, now: dt.datetime | None = None
) -> dict[str, list[ClockStatus]]:
    """Clocks of a page of records of one type, by record pk (as text); one query for the
    clocks plus two per distinct calendar, however many records."""
    if not records:
        return {}
    now = now or timezone.now()
    content_type, _ = record_ref(records[0])
    clocks = SlaClock.objects.filter(
        content_type=content_type, object_id__in=[str(r.pk) for r in records]
    ).select_related("policy__calendar")
    return clock_statuses(clocks, now)


def clock_statuses(
    clocks: Iterable[SlaClock], now: dt.datetime | None = None
) -> dict[str, list[ClockStatus]]:
    """What ``clocks_for_many`` shows, from clock rows already at hand (a write's own), by
    record pk, response first; no query when the policies are loaded."""
    now = now or timezone.now()
    specs = SpecCache()
    result: dict[str, list[ClockStatus]] = {}
    for clock in sorted(clocks, key=kind_order):
        spec = specs(clock.policy.calendar)
        status = _status(clock, clock.policy.slug, clock.policy.name, spec, now)
        result.setdefault(clock.object_id, []).append(status)
    return result


def _status(clock: Any, slug: str, name: str, spec: CalendarSpec, now: dt.datetime) -> ClockStatus:
    """One clock as shown; ``clock`` is a model or a row with the same attributes."""
    elapsed = clock_elapsed(clock, spec, now)
    paused = clock.state == ClockState.PAUSED
    return ClockStatus(
        kind=clock.kind,
        policy=slug,
        policy_name=name,
        state=clock.state,
        paused=paused,
        started_at=clock.started_at,
        due_at=None if paused else clock.due_at,
        stopped_at=clock.stopped_at,
        target_seconds=clock.target_seconds,
        elapsed_seconds=elapsed,
        time_left_seconds=clock.target_seconds - elapsed,
        warned=clock.warned or elapsed >= clock.warn_seconds,
        breached=clock.breached or elapsed > clock.target_seconds,
    )


_ROW = (
    "object_id", "kind", "state", "started_at", "running_since", "due_at", "stopped_at",
    "target_seconds", "warn_seconds", "consumed_seconds", "warned", "breached",
    "policy__slug", "policy__name", "policy__calendar_id",
)  # fmt: skip


def _clock_rows(content_type: int, ids: list[str]) -> models.QuerySet:
    return SlaClock.objects.filter(content_type_id=content_type, object_id__in=ids).values(*_ROW)


_TIMES = ("started_at", "running_since", "due_at", "stopped_at")
_EPOCH_ROW = tuple(c for c in _ROW if c not in _TIMES)


def _clock_rows_epoch(content_type: int, ids: list[str]) -> models.QuerySet:
    """``_clock_rows`` with the times as integers: psycopg's Python ``timestamptz`` loader
    behind Django's (a regex and three calls a value, ~280 a page) was most of the read."""
    qs = SlaClock.objects.filter(content_type_id=content_type, object_id__in=ids)
    qs = qs.annotate(**{f"{name}_us": EpochMicros(name) for name in _TIMES})
    return qs.values(*_EPOCH_ROW, *(f"{name}_us" for name in _TIMES))


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# each ``_ROW`` column's place in a row of ``_read`` (decision 0111)
(
    _OBJECT, _KIND, _STATE, _STARTED, _SINCE, _DUE, _STOPPED, _TARGET, _WARN, _CONSUMED,
    _WARNED, _BREACHED, _SLUG, _NAME, _CALENDAR,
) = range(len(_ROW))  # fmt: skip


def _read(content_type: int, ids: list[str]) -> list[Sequence[Any]]:
    """The clock rows as sequences of ``_ROW``'s values, in its order (no dict a row); on
    PostgreSQL their times read as integers and made datetimes here, one per distinct
    value."""
    if connection.vendor != "postgresql":
        names, found = compiled.tuples(
            "sla.clocks", _clock_rows, content_type=content_type, ids=ids
        )
        return found if names == _ROW else _in_row_order(names, found, {})
    names, found = compiled.tuples(
        "sla.clocks_epoch", _clock_rows_epoch, content_type=content_type, ids=ids
    )
    return _in_row_order(names, found, {f"{name}_us": name for name in _TIMES})


def _in_row_order(
    names: tuple[str, ...], found: list[Sequence[Any]], epoch: dict[str, str]
) -> list[Sequence[Any]]:
    """``found``'s rows (columns ``names``) as ``_ROW``'s values in its order, a column at a
    time; the columns named in ``epoch`` (epoch microseconds) as the times they name."""
    if not found:
        return []
    made: dict[int, dt.datetime] = {}

    def at(value: int | None) -> dt.datetime | None:
        if value is None:
            return None
        time = made.get(value)
        if time is None:
            time = made[value] = _EPOCH + dt.timedelta(microseconds=value)
        return time

    columns: list[Iterable[Any]] = list(zip(*found, strict=True))
    place = {epoch.get(name, name): n for n, name in enumerate(names)}
    for n, name in enumerate(names):
        if name in epoch:
            columns[n] = map(at, columns[n])
    return list(zip(*(columns[place[name]] for name in _ROW), strict=True))


# False: each running clock's business time walked on its own (``clock_elapsed``), as before
# decision 0070; tests compare the two
WORKED = True


def clock_statuses_by_id(
    model: type[models.Model], ids: list[int | str], *, now: dt.datetime | None = None
) -> dict[str, list[ClockStatus]]:
    """What ``clocks_for_many`` returns for records of ``model`` by primary key, read as
    rows with SQL compiled once per process (no model instances): one query. The running
    clocks' business time comes from the process's working time per calendar
    (``worked.elapsed_many``: "before now" once per calendar, a bisection per clock)."""
    if not ids:
        return {}
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    if not WORKED:
        texts = [str(i) for i in ids]
        rows = compiled.rows("sla.clocks", _clock_rows, content_type=content_type.pk, ids=texts)
        rows.sort(key=_row_place)
        return _walked(rows, now)
    found = _read(content_type.pk, [str(i) for i in ids])
    found.sort(key=_place)
    running: dict[int, list[Sequence[Any]]] = {}
    for row in found:
        if row[_STATE] == _RUNNING and row[_SINCE] is not None:
            running.setdefault(row[_CALENDAR], []).append(row)
    counted: dict[int, int] = {}  # id(row) → business seconds since it last started
    for calendar, rows in running.items():
        since = [row[_SINCE] for row in rows]
        for row, seconds in zip(rows, elapsed_many(spec_for_id(calendar), since, now), strict=True):
            counted[id(row)] = seconds
    result: dict[str, list[ClockStatus]] = {}
    for row in found:
        status = _shown(row, row[_CONSUMED] + counted.get(id(row), 0))
        result.setdefault(row[_OBJECT], []).append(status)
    return result


def _row_place(row: dict[str, Any]) -> int:
    return _KIND_ORDER[row["kind"]]


def _place(row: Sequence[Any]) -> int:
    return _KIND_ORDER[row[_KIND]]


_NEW = object.__new__
_RUNNING, _PAUSED = ClockState.RUNNING.value, ClockState.PAUSED.value


def _shown(row: Sequence[Any], elapsed: int) -> ClockStatus:
    """``_status`` of a clock row (``_read``'s) whose business time is counted: the same
    fields, filled without the frozen dataclass's ``__init__`` (its thirteen
    ``object.__setattr__`` calls took 2-3 times as long, 100 times a page); equal in every
    respect, as tests/incidents/test_queue_clocks.py compares."""
    paused = row[_STATE] == _PAUSED
    target = row[_TARGET]
    status = _NEW(ClockStatus)
    status.__dict__.update(
        kind=row[_KIND],
        policy=row[_SLUG],
        policy_name=row[_NAME],
        state=row[_STATE],
        paused=paused,
        started_at=row[_STARTED],
        due_at=None if paused else row[_DUE],
        stopped_at=row[_STOPPED],
        target_seconds=target,
        elapsed_seconds=elapsed,
        time_left_seconds=target - elapsed,
        warned=row[_WARNED] or elapsed >= row[_WARN],
        breached=row[_BREACHED] or elapsed > target,
    )
    return status


def _walked(found: list[dict[str, Any]], now: dt.datetime) -> dict[str, list[ClockStatus]]:
    """The clocks as ``WORKED = False`` shows them: a walk per running clock."""
    result: dict[str, list[ClockStatus]] = {}
    specs: dict[int, CalendarSpec] = {}
    for row in found:
        clock = SimpleNamespace(**row)
        calendar = row["policy__calendar_id"]
        spec = specs.get(calendar) or specs.setdefault(calendar, spec_for_id(calendar))
        status = _status(clock, row["policy__slug"], row["policy__name"], spec, now)
        result.setdefault(row["object_id"], []).append(status)
    return result
