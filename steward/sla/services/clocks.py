"""SLA clocks of records: what record apps (incidents, requests, …) call as records move.

The caller has already checked the actor may change the record and calls these inside its
own transaction, with ``at`` the moment of the change. Clocks count business seconds on
their policy's calendar; instants are kept to the whole second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction

from steward.core import inserts, pipeline
from steward.core.actor import Actor
from steward.sla import selectors
from steward.sla.choices import ClockKind, ClockState
from steward.sla.models import SlaClock, SlaPolicy
from steward.sla.selectors import SpecCache, business_time, clock_elapsed
from steward.sla.selectors.business_time import CalendarSpec
from steward.sla.services.events import passed, record_threshold, settle

Specs = Callable[[models.Model], CalendarSpec]  # a calendar's spec, e.g. a ``SpecCache``
Thresholds = list[tuple[str, dt.datetime]]

# the columns a clock's steps set (start, pause, resume, stop, recompute, flags), by attname;
# the rest (content type, object, kind, start) name the clock and never change
STEPPED = (
    "policy_id",
    "state",
    "target_seconds",
    "warn_seconds",
    "consumed_seconds",
    "running_since",
    "due_at",
    "warn_at",
    "paused_at",
    "stopped_at",
    "warned",
    "breached",
)
CHANGED = [*STEPPED, "updated_at"]  # a stepped clock's save: those and its ``auto_now``


def _instant(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("SLA clocks need an aware datetime")
    return at.astimezone(dt.UTC).replace(microsecond=0)


def _locked(record: models.Model) -> list[SlaClock]:
    content_type, object_id = selectors.record_ref(record)
    clocks = (
        SlaClock.objects.select_for_update(of=("self",))
        .filter(content_type=content_type, object_id=object_id)
        .select_related("policy__calendar")
        .order_by("id")
    )
    return sorted(clocks, key=selectors.kind_order)


def _apply_targets(clock: SlaClock, policy: SlaPolicy) -> None:
    clock.policy = policy
    clock.target_seconds = policy.target_minutes(clock.kind) * 60
    clock.warn_seconds = max(1, clock.target_seconds * policy.warning_percent // 100)


def _reschedule(clock: SlaClock, spec: CalendarSpec, ref: dt.datetime) -> None:
    """Due and warning instants from the business time banked at ``ref``.

    A threshold already recorded keeps its instant (that is history); one not yet reached
    moves, and one a recompute has put behind us lands in the past, so it fires.
    """
    left = clock.target_seconds - clock.consumed_seconds
    if not (clock.breached and left < 0):
        clock.due_at = business_time.add_business_seconds(spec, ref, left)
    warn_left = clock.warn_seconds - clock.consumed_seconds
    if not (clock.warned and warn_left < 0):
        clock.warn_at = business_time.add_business_seconds(spec, ref, warn_left)


# The steps below change clocks in memory only and say which thresholds they passed; the
# single-record services lock, save and record, the batch path (``batch.py``) writes many
# records' clocks at once. One rule each, whichever path runs it.


def new_clocks(
    content_type: models.Model,
    object_id: str,
    policy: SlaPolicy,
    spec: CalendarSpec,
    at: dt.datetime,
    *,
    make: Callable[..., Any] | None = None,
) -> list[SlaClock]:
    """A record's response and resolution clocks under ``policy``, running from ``at``
    (an instant already cut to the second), unsaved; ``make`` builds each (the batch's
    plain clocks, ``batch.Clock``), else an ``SlaClock``."""
    clocks = []
    for kind in _KINDS:
        clock = (make or _new)(
            content_type=content_type,
            object_id=object_id,
            kind=kind,
            state=ClockState.RUNNING,
            started_at=at,
            running_since=at,
        )
        _apply_targets(clock, policy)
        _reschedule(clock, spec, at)
        clocks.append(clock)
    return clocks


_KINDS = tuple(ClockKind.values)  # ``values`` builds its list on every read


def _new(**values: Any) -> SlaClock:
    return inserts.instance(SlaClock, **values)


def pause_step(clock: SlaClock, specs: Specs, at: dt.datetime) -> Thresholds:
    """Pause a running clock at ``at``; the thresholds it passed before pausing."""
    at_ = max(at, clock.running_since)
    clock.consumed_seconds = clock_elapsed(clock, specs(clock.policy.calendar), at_)
    clock.state, clock.paused_at, clock.running_since = ClockState.PAUSED, at_, None
    return passed(clock, ran_until=at_)


def stop_step(clock: SlaClock, specs: Specs, at: dt.datetime) -> Thresholds:
    """Stop a clock that is not stopped yet; a running one reports the breach it ran into."""
    was_running = clock.state == ClockState.RUNNING
    if was_running:
        at = max(at, clock.running_since)
        clock.consumed_seconds = clock_elapsed(clock, specs(clock.policy.calendar), at)
    clock.state, clock.stopped_at = ClockState.STOPPED, at
    clock.running_since = clock.paused_at = None
    return passed(clock, ran_until=at, warn=False) if was_running else []


def _record(clock: SlaClock, thresholds: Thresholds) -> None:
    for threshold, at in thresholds:
        record_threshold(clock, threshold, at=at)


def clocks_start(
    actor: Actor,
    record: models.Model,
    *,
    context: Mapping[str, Any],
    at: dt.datetime,
    new_record: bool = False,
    policy: SlaPolicy | None = None,
) -> list[SlaClock]:
    """Start the response and resolution clocks of the first matching policy.

    ``context``: ``priority``, ``category``, ``service``, ``organisation`` (slug). No
    matching policy: no clocks. ``policy``: the record names its policy itself (a
    catalogue item's), so no matching is done. Clocks already started are returned
    unchanged (a retry);
    ``new_record``: the record was inserted in this transaction, so it has none to look for.
    """
    at = _instant(at)  # a naive time is refused before the writes begin
    return _start(record, context=context, at=at, new_record=new_record, policy=policy)


def clocks_planned(
    record: models.Model, *, context: Mapping[str, Any], at: dt.datetime
) -> list[SlaClock]:
    """The clocks ``clocks_start(new_record=True)`` would start for ``record``, worked out
    now and not written: a create computes them before its transaction (the policy match
    and the due times are CPU only, and on SQLite the write lock is held from BEGIN) and
    writes them in it with ``clocks_write`` once the record has its id."""
    at = _instant(at)
    policy = selectors.policy_for(context)
    if policy is None:
        return []
    content_type, _ = selectors.record_ref(record)
    spec = selectors.calendar_spec(policy.calendar)
    return new_clocks(content_type, "", policy, spec, at)


@transaction.atomic(savepoint=False)
def clocks_write(actor: Actor, record: models.Model, clocks: list[SlaClock]) -> list[SlaClock]:
    """Insert ``clocks_planned``'s clocks of ``record``, inserted in this transaction."""
    object_id = str(record.pk)
    for clock in clocks:
        clock.object_id = object_id
        # as in ``_start``: sent with the record's other rows when they go together
        inserts.insert(clock, answer=not pipeline.active())
    return clocks


# no savepoint of its own inside the record's transaction (a create's): on PostgreSQL a
# savepoint and its release are two round trips, and a failure here fails the record anyway
@transaction.atomic(savepoint=False)
def _start(
    record: models.Model,
    *,
    context: Mapping[str, Any],
    at: dt.datetime,
    new_record: bool,
    policy: SlaPolicy | None,
) -> list[SlaClock]:
    existing = [] if new_record else _locked(record)
    if existing:
        return existing
    policy = policy if policy is not None else selectors.policy_for(context)
    if policy is None:
        return []
    content_type, object_id = selectors.record_ref(record)
    clocks = new_clocks(
        content_type, object_id, policy, selectors.calendar_spec(policy.calendar), at
    )
    for clock in clocks:
        # sent with the record's other rows when they go together (an incident's create):
        # what the create shows of its clocks needs no id (it stays None then)
        inserts.insert(clock, answer=not pipeline.active())
    return clocks


@transaction.atomic
def clocks_pause(actor: Actor, record: models.Model, *, at: dt.datetime) -> list[SlaClock]:
    """Stop counting (waiting on the requester or a vendor); thresholds already passed
    are recorded now, since the sweep only watches running clocks."""
    at = _instant(at)
    clocks = _locked(record)
    specs = SpecCache()
    for clock in clocks:
        if clock.state != ClockState.RUNNING:
            continue
        _record(clock, pause_step(clock, specs, at))
        clock.save(update_fields=CHANGED)
    return clocks


@transaction.atomic
def clocks_resume(actor: Actor, record: models.Model, *, at: dt.datetime) -> list[SlaClock]:
    """Count again; the due time moves by exactly the business time spent paused."""
    at = _instant(at)
    clocks = _locked(record)
    specs = SpecCache()
    for clock in clocks:
        if clock.state != ClockState.PAUSED:
            continue
        at_ = max(at, clock.paused_at)
        clock.state, clock.paused_at, clock.running_since = ClockState.RUNNING, None, at_
        _reschedule(clock, specs(clock.policy.calendar), at_)
        clock.save(update_fields=CHANGED)
    return clocks


def _find(clocks: list[SlaClock], kind: str) -> SlaClock | None:
    if kind not in ClockKind.values:
        raise ValueError(f"unknown clock kind {kind!r}; one of {ClockKind.values}")
    return next((c for c in clocks if c.kind == kind), None)


@transaction.atomic
def clock_stop(
    actor: Actor, record: models.Model, *, kind: str, at: dt.datetime
) -> SlaClock | None:
    """Stop one clock for good (response at the first response, resolution at resolve).

    A clock that ran past its due time gets its breach recorded now. Stopping a stopped
    clock, or one the record does not have, changes nothing.
    """
    at = _instant(at)
    clock = _find(_locked(record), kind)
    if clock is None or clock.state == ClockState.STOPPED:
        return clock
    _record(clock, stop_step(clock, selectors.calendar_spec, at))
    clock.save(update_fields=CHANGED)
    return clock


@transaction.atomic
def clock_reopen(
    actor: Actor, record: models.Model, *, kind: str, at: dt.datetime
) -> SlaClock | None:
    """Count a stopped clock again (a resolved record reopened); the time it spent
    stopped does not count, a breach already recorded stays."""
    at = _instant(at)
    clock = _find(_locked(record), kind)
    if clock is None or clock.state != ClockState.STOPPED:
        return clock
    at = max(at, clock.stopped_at)
    clock.state, clock.stopped_at, clock.running_since = ClockState.RUNNING, None, at
    _reschedule(clock, selectors.calendar_spec(clock.policy.calendar), at)
    clock.save(update_fields=CHANGED)
    return clock


@transaction.atomic
def clocks_recompute(
    actor: Actor, record: models.Model, *, context: Mapping[str, Any], at: dt.datetime
) -> list[SlaClock]:
    """Apply the policy now matching ``context`` (priority, category … changed).

    Elapsed business time is kept and measured against the new targets, on the new
    policy's calendar from ``at`` on. Stopped clocks keep their result. No matching policy:
    the clocks keep their targets. A record without clocks gets them, starting at ``at``.
    """
    at = _instant(at)
    clocks = _locked(record)
    if not clocks:
        return clocks_start(actor, record, context=context, at=at)
    policy = selectors.policy_for(context)
    if policy is None:
        return clocks
    specs = SpecCache()
    for clock in clocks:
        if clock.state == ClockState.STOPPED:
            continue
        if clock.state == ClockState.RUNNING:
            ref = max(at, clock.running_since)
            clock.consumed_seconds = clock_elapsed(clock, specs(clock.policy.calendar), ref)
            clock.running_since = ref
        else:
            ref = clock.paused_at
        _apply_targets(clock, policy)
        _reschedule(clock, specs(policy.calendar), ref)
        settle(clock, ran_until=ref)
        clock.save(update_fields=CHANGED)
    return clocks
