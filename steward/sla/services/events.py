"""Warnings and breaches: recorded once per clock and threshold, with one outbox event each.

The unique (clock, threshold) row is the guarantee: whoever inserts it emits the event in
the same transaction; anyone else (a second sweep worker, a pause racing the sweep) meets
the constraint and does nothing. Escalation actions are outbox consumers elsewhere; other
apps' rules (automation's SLA triggers, decision 0104) listen on ``core.hooks`` and run in
this transaction, so the event row and what the rules did commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from steward.core import hooks, outbox, stamps
from steward.core.actor import Actor
from steward.sla.choices import ClockState, Threshold
from steward.sla.models import SlaClock, SlaEvent

TOPICS = {Threshold.WARNING: "sla.warning", Threshold.BREACH: "sla.breached"}
FLAGS = {Threshold.WARNING: "warned", Threshold.BREACH: "breached"}
SWEEP_BATCH = 200


def record_threshold(
    clock: SlaClock, threshold: str, *, at: dt.datetime, actor: Actor | None = None
) -> bool:
    """Record that ``clock`` crossed ``threshold`` at ``at``; True if this call did it.

    Must run inside the caller's transaction, so the event row, the clock's flag, the
    outbox row and the listeners' writes (``hooks.SLA_THRESHOLD``: automation's rules)
    commit together or not at all. Only the call that inserted the unique event row tells
    the listeners: once per clock and threshold, however often the sweep runs.
    """
    flag = FLAGS[threshold]
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the outer work intact
            SlaEvent.objects.create(clock=clock, threshold=threshold, at=at)
    except IntegrityError:
        created = False  # a concurrent worker got there first: already done
    else:
        created = True
    setattr(clock, flag, True)
    SlaClock.objects.filter(pk=clock.pk).update(**{flag: True})
    if created:
        outbox.emit(TOPICS[threshold], clock, **event_payload(clock, at=at))
        hooks.fire(hooks.SLA_THRESHOLD, actor or Actor.system("sla"), clock, (threshold,))
    return created


def passed(
    clock: SlaClock, *, ran_until: dt.datetime, warn: bool = True
) -> list[tuple[str, dt.datetime]]:
    """The thresholds a clock passed while running up to ``ran_until`` and has not recorded
    yet, with their instants (nothing is written: ``settle`` and the batch path record them).

    The rule is the sweep's: a warning at ``warn_at``, a breach strictly after ``due_at`` (a
    record resolved at its due time met it). ``warn=False`` when a warning would come too
    late to help (the clock is stopping).
    """
    found = []
    if warn and not clock.warned and ran_until >= clock.warn_at:
        found.append((Threshold.WARNING, clock.warn_at))
    if not clock.breached and ran_until > clock.due_at:
        found.append((Threshold.BREACH, clock.due_at))
    return found


def event_payload(clock: SlaClock, *, at: dt.datetime) -> dict:
    """The outbox payload of a threshold event, as of now in the clock's life."""
    record_type = ContentType.objects.get_for_id(clock.content_type_id)
    return {
        "record_type": f"{record_type.app_label}.{record_type.model}",
        "record_id": clock.object_id,
        "kind": clock.kind,
        "policy_id": clock.policy_id,
        "at": at.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "state": clock.state,
    }


def settle(clock: SlaClock, *, ran_until: dt.datetime, warn: bool = True) -> None:
    """Record the thresholds a clock passed while running up to ``ran_until``: for where
    the sweep cannot see a clock any more (paused, stopped) or a recompute moved its due
    time (``passed`` says which)."""
    for threshold, at in passed(clock, ran_until=ran_until, warn=warn):
        record_threshold(clock, threshold, at=at)


@dataclass(frozen=True)
class SweepResult:
    warnings: int
    breaches: int


# threshold, the clock's instant for it, and the lookup that says it has passed
_PASSES = (
    (Threshold.WARNING, "warn_at", "warn_at__lte"),
    (Threshold.BREACH, "due_at", "due_at__lt"),
)


def sla_sweep(actor: Actor, *, now: dt.datetime, batch: int = SWEEP_BATCH) -> SweepResult:
    """Record every warning and breach that running clocks have reached by ``now``.

    Safe with any number of concurrent workers: each batch locks its clocks with SKIP
    LOCKED on PostgreSQL (SQLite has one writer at a time), and the unique event row
    decides who emits. Each batch commits on its own, so a crash loses at most one batch,
    which the next run picks up.
    """
    counts = {}
    # the cached configuration's stamps (automation's rules) read once per batch, not per event
    for threshold, instant, lookup in _PASSES:
        pending = {"state": ClockState.RUNNING, FLAGS[threshold]: False, lookup: now}
        done = 0
        while True:
            with stamps.held(), transaction.atomic():
                clocks = list(
                    SlaClock.objects.select_for_update(skip_locked=True)
                    .filter(**pending)
                    .order_by(instant, "id")[:batch]
                )
                for clock in clocks:
                    done += record_threshold(
                        clock, threshold, at=getattr(clock, instant), actor=actor
                    )
            if len(clocks) < batch:
                break
        counts[threshold] = done
    return SweepResult(warnings=counts[Threshold.WARNING], breaches=counts[Threshold.BREACH])
