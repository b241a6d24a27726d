"""SLA clocks for many records created in one transaction (bulk imports, demo history).

``ClockBatch`` offers the single services' moves (start, stop, pause) for records inserted
in the caller's transaction, so none has clocks yet and nothing needs locking. Each move runs
the same step as the single service (``clocks.new_clocks``, ``pause_step``, ``stop_step``)
on clocks held in memory; ``write`` then inserts every clock, every threshold event and its
outbox row with one statement each (``core.inserts``). Policies and calendar specs are
looked up once per distinct context and calendar. The result equals what the single
services leave behind for the same moves (tests/incidents/test_bulk.py compares them).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from steward.core import inserts, outbox
from steward.core.actor import Actor
from steward.core.tuple_inserts import insert_rows
from steward.sla import selectors
from steward.sla.choices import ClockState
from steward.sla.models import SlaClock, SlaEvent, SlaPolicy
from steward.sla.selectors import business_time
from steward.sla.services.clocks import STEPPED, _instant, new_clocks, pause_step, stop_step
from steward.sla.services.events import FLAGS, TOPICS, event_payload

_NO_POLICY = object()
# an ``SlaClock`` row's columns as ``Clock`` holds them: those naming it and those the
# steps set (``clocks.STEPPED``); ``updated_at`` is the batch's now
COLUMNS = ("id", "content_type_id", "object_id", "kind", "started_at", *STEPPED)
_row = operator.attrgetter(*COLUMNS)


class Clock:
    """A new ``SlaClock`` held in memory by the batch: the attributes the single services'
    steps read and set, with the model's defaults, and no model instance to build (the
    largest item of a batch's clocks, decision 0052); ``write`` inserts its row."""

    __slots__ = (*(c for c in COLUMNS if c != "policy_id"), "content_type", "policy")
    _meta = SlaClock._meta  # the outbox names a clock's events by its model

    def __init__(
        self,
        *,
        content_type: Any,
        object_id: str,
        kind: str,
        state: str,
        started_at: dt.datetime,
        running_since: dt.datetime | None,
    ) -> None:
        # (``new_clocks``' arguments, named: no loop of ``setattr`` per clock)
        self.id = self.policy = self.paused_at = self.stopped_at = None
        self.consumed_seconds, self.warned, self.breached = 0, False, False
        self.content_type, self.object_id, self.kind = content_type, object_id, kind
        self.state, self.started_at, self.running_since = state, started_at, running_since
        self.content_type_id = content_type.pk

    @property
    def pk(self) -> int | None:
        return self.id

    @property
    def policy_id(self) -> int:
        return self.policy.pk


class _Timelines(selectors.SpecCache):
    """A ``Timeline`` per calendar in place of its spec: the batch asks thousands of due
    times and business times of a few calendars, and a timeline answers each by bisection
    with the walk's answer (decision 0035)."""

    def __init__(self) -> None:
        super().__init__()
        self._lines: dict[int, business_time.Timeline] = {}

    def __call__(self, calendar: Any) -> Any:
        line = self._lines.get(calendar.pk)
        if line is None:
            line = self._lines[calendar.pk] = business_time.Timeline(super().__call__(calendar))
        return line


class ClockBatch:
    """Clocks of new records, moved in memory and written at once by ``write``."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.specs = _Timelines()
        self._policies: dict[tuple, Any] = {}
        self._clocks: dict[tuple[int, str], list[SlaClock]] = {}
        self._events: list[tuple[SlaClock, str, dt.datetime, dict]] = []
        self._types: dict[type, Any] = {}
        # the record ``start`` saw last and its clocks: the moves that follow a start are
        # the same record's (``_of`` without its key)
        self._last: tuple[Any, list] = (None, [])

    def policy(self, context: Mapping[str, Any]) -> SlaPolicy | None:
        """The policy ``start`` picks for ``context`` (a caller starting many records of
        one context asks once and hands it to ``start``)."""
        return self._policy(context)

    def _policy(self, context: Mapping[str, Any]) -> SlaPolicy | None:
        # a context value may be a list (an incident's category and subcategory both match)
        key = tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in sorted(context.items())
        )
        policy = self._policies.get(key, _NO_POLICY)
        if policy is _NO_POLICY:
            policy = self._policies[key] = selectors.policy_for(context)
        return policy

    def _ref(self, record: models.Model) -> tuple[Any, str]:
        """``selectors.record_ref``, its content type looked up once per model."""
        content_type = self._types.get(type(record))
        if content_type is None:
            content_type = self._types[type(record)] = selectors.record_ref(record)[0]
        return content_type, str(record.pk)

    def _of(self, record: models.Model) -> list[SlaClock]:
        if self._last[0] is record:
            return self._last[1]
        content_type, object_id = self._ref(record)
        return self._clocks.get((content_type.pk, object_id), [])

    def _note(self, clock: SlaClock, thresholds: list[tuple[str, dt.datetime]]) -> None:
        # as ``record_threshold``: the flag at once, the event with the clock as it is now
        for threshold, at in thresholds:
            setattr(clock, FLAGS[threshold], True)
            self._events.append((clock, threshold, at, event_payload(clock, at=at)))

    def start(
        self,
        record: models.Model,
        *,
        context: Mapping[str, Any] | None = None,
        at: dt.datetime,
        policy: Any = _NO_POLICY,
    ) -> None:
        """``clocks_start`` for a record new in this transaction: the policy matching
        ``context``, or ``policy`` when the caller asked ``policy(context)`` already."""
        if policy is _NO_POLICY:
            policy = self._policy(context)
        content_type, object_id = self._ref(record)
        if policy is None:
            self._last = (record, self._clocks.get((content_type.pk, object_id), []))
            return
        spec = self.specs(policy.calendar)
        clocks = new_clocks(content_type, object_id, policy, spec, _instant(at), make=Clock)
        self._clocks[(content_type.pk, object_id)] = clocks
        self._last = (record, clocks)

    def stop(self, record: models.Model, *, kind: str, at: dt.datetime) -> None:
        """``clock_stop``: a clock the record lacks or has stopped already stays as it is."""
        clock = next((c for c in self._of(record) if c.kind == kind), None)
        if clock is not None and clock.state != ClockState.STOPPED:
            self._note(clock, stop_step(clock, self.specs, _instant(at)))

    def pause(self, record: models.Model, *, at: dt.datetime) -> None:
        """``clocks_pause``: every running clock of the record."""
        at = _instant(at)
        for clock in self._of(record):
            if clock.state == ClockState.RUNNING:
                self._note(clock, pause_step(clock, self.specs, at))

    @transaction.atomic
    def write(self, *, chunk: int = 2000) -> int:
        """Insert every clock, then the threshold events and their outbox rows, one statement
        per table whatever the batch's size (the clocks' keys are taken first, so an event
        names its clock without a read); how many clocks were written."""
        clocks = [clock for group in self._clocks.values() for clock in group]
        for clock, pk in zip(clocks, inserts.reserve_ids(SlaClock, len(clocks)), strict=True):
            clock.id = pk
        insert_rows(SlaClock, COLUMNS, [_row(clock) for clock in clocks])
        if self._events:
            insert_rows(
                SlaEvent,
                ("clock_id", "threshold", "at"),
                [(c.id, t, at) for c, t, at, _ in self._events],
            )
            outbox.emit_many(
                [(TOPICS[t], c, payload) for c, t, _, payload in self._events], chunk=chunk
            )
        self._clocks, self._events, self._last = {}, [], (None, [])
        return len(clocks)
