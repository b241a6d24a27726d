"""The transactional outbox: events written with the change, dispatched after commit.

``emit`` is called by services inside their transaction. The worker's ``dispatch_pending``
hands each row to the consumers registered for its topic, at least once; consumers must be
idempotent. A process killed between commit and dispatch loses nothing: the periodic
sweep finds the row, whatever became of its wake-up. A row whose consumers fail is retried
with backoff and dead-lettered after the horizon (``steward/core/retries.py``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from steward.core import inserts, mail, pipeline, retries, retry_wakeups, stopping
from steward.core.models import OutboxMessage
from steward.core.tuple_inserts import insert_rows

log = logging.getLogger("steward.outbox")
Consumer = Callable[[OutboxMessage], None]
Heartbeat = Callable[[], None]
_consumers: dict[str, list[Consumer]] = defaultdict(list)


def consumer(*topics: str) -> Callable[[Consumer], Consumer]:
    """Register a function to receive events of these topics (``*`` for all)."""

    def register(fn: Consumer) -> Consumer:
        for topic in topics:
            _consumers[topic].append(fn)
        return fn

    return register


def emit(topic: str, obj: models.Model, **payload: Any) -> OutboxMessage:
    """Record an event for ``obj`` in the current transaction and wake the worker on commit."""
    message = OutboxMessage(
        topic=topic, object_type=obj._meta.label_lower, object_id=str(obj.pk), payload=payload
    )
    # sent with the write's other rows when they go together: the worker finds the row by
    # its topic and state, never by the id returned here (None then)
    inserts.insert(message, answer=not pipeline.active())
    _wake_on_commit()
    return message


def _wake_on_commit() -> None:
    """One wake-up per transaction, however many events it emits: each wake-up is a queue
    write (a commit of its own on SQLite huey), and one dispatch takes every pending row."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        hook[1] is wake_worker for hook in connection.run_on_commit
    ):
        return
    transaction.on_commit(wake_worker)


def emit_batch(topic: str, objs: list[models.Model], *, chunk: int = 1000) -> None:
    """Bulk paths: one event per ``chunk`` new rows, carrying their ids."""
    if not objs:
        return
    label = objs[0]._meta.label_lower
    insert_rows(
        OutboxMessage,
        _ROW,
        [
            (topic, label, str(part[0].pk), {"ids": [o.pk for o in part]})
            for part in (objs[k : k + chunk] for k in range(0, len(objs), chunk))
        ],
    )
    _wake_on_commit()


def emit_many(events: list[tuple[str, models.Model, dict[str, Any]]], *, chunk: int = 1000) -> None:
    """Bulk paths: the rows ``emit`` would write for each ``(topic, obj, payload)``, inserted
    together (one statement; ``chunk`` is no longer needed for that) in the caller's
    transaction."""
    if not events:
        return
    insert_rows(
        OutboxMessage,
        _ROW,
        [(topic, obj._meta.label_lower, str(obj.pk), payload) for topic, obj, payload in events],
    )
    _wake_on_commit()


# the bulk paths' columns (``emit``'s values), in the order of their rows' values
_ROW = ("topic", "object_type", "object_id", "payload")


def wake_worker() -> None:
    """Ask the worker to dispatch now (services that bulk-insert outbox rows call it)."""
    from steward.core.tasks import dispatch_outbox

    try:
        dispatch_outbox()
    except Exception:  # the periodic sweep will pick the row up
        log.warning("could not enqueue outbox dispatch", exc_info=True)


def dispatch_pending(batch: int = 200, *, heartbeat: Heartbeat | None = None) -> int:
    """Hand due rows to their consumers, then send the mail they queued; return how many
    rows were dispatched. Mail goes out after each batch's transaction has committed, so no
    SMTP call runs while the outbox rows are locked. ``heartbeat`` is called between batches
    and mails (the sweep renews its lease there)."""
    done = _dispatch_batches(batch, heartbeat or _nothing)
    mail.send_pending(heartbeat=heartbeat)
    return done


def _nothing() -> None:
    return None


_FIELDS = ["dispatched_at", "attempts", "last_error", "failing_since", "next_attempt_at", "dead_at"]


def _save_states(rows: list[OutboxMessage]) -> None:
    """Write the batch's new states: one UPDATE per set of equal values, which is one for a
    batch whose consumers all succeeded. ``bulk_update`` sent the same values as one CASE
    per field with a branch per row, and building those 1,200 branches for a batch of 200
    was a third of the demo's load (docs/testing.md, "demo40")."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        groups[tuple(getattr(row, name) for name in _FIELDS)].append(row.pk)
    for values, ids in groups.items():
        OutboxMessage.objects.filter(pk__in=ids).update(**dict(zip(_FIELDS, values, strict=True)))


def _dispatch_batches(batch: int, heartbeat: Heartbeat) -> int:
    """Consumers run in one transaction per batch, holding the rows' locks."""
    done = 0
    while True:
        if stopping.requested():  # the next worker's sweep takes the rest
            return done
        heartbeat()
        now = timezone.now()
        due = OutboxMessage.objects.filter(retries.due(now), dispatched_at__isnull=True)
        # every commit that emits wakes the worker and one dispatch takes every pending row,
        # so under a write load most wake-ups find nothing: looked for first, without a
        # transaction, which on SQLite is the writers' one lock (decision 0091)
        if not due.exists():
            return done
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=True).order_by("id")[:batch])
            if not rows:
                return done
            succeeded = []
            for row in rows:
                row.attempts += 1
                consumers = (*_consumers.get(row.topic, ()), *_consumers.get("*", ()))
                try:
                    # a savepoint only where a consumer can fail and need its writes undone:
                    # most topics have none (1,837 of the demo's 1,948 events)
                    if consumers:
                        with transaction.atomic():
                            for fn in consumers:
                                fn(row)
                except Exception as exc:  # one bad consumer must not stall the queue
                    log.exception("outbox consumer failed for %s", row)
                    row.last_error = repr(exc)[:2000]
                    state = retries.after_failure(
                        failures=row.attempts, failing_since=row.failing_since, now=now
                    )
                    if state["dead_at"]:
                        log.error("outbox event %s dead-lettered after %s", row, row.attempts)
                else:
                    succeeded.append(row)
                    state = retries.AFTER_SUCCESS
                for name, value in state.items():
                    setattr(row, name, value)
            # one dispatch time for the batch, taken when its consumers are done: its rows
            # commit together, and equal values let them share one UPDATE (_save_states)
            dispatched_at = timezone.now()
            for row in succeeded:
                row.dispatched_at = dispatched_at
            done += len(succeeded)
            _save_states(rows)
        for row in rows:  # committed: a dispatch when each failed row is due again
            retry_wakeups.dispatch_at(row.next_attempt_at)
        if len(rows) < batch:
            return done
