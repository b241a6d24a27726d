"""SLA clocks of requests and tasks for their pages, lists and API answers: each record
gets ``sla_clocks`` (``sla.selectors.ClockStatus``, response first) in one query per page
of records of one type (plus two per distinct calendar), whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from steward.catalog.models import Request, Task
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.sla import selectors as sla_selectors
from steward.sla.choices import ClockState
from steward.sla.models import SlaClock


def with_clocks(actor: Actor, records: Iterable[models.Model]) -> list:
    """The records (all of one model), each with its ``sla_clocks``."""
    records = list(records)
    clocks = sla_selectors.clocks_for_many(actor, records)
    for record in records:
        record.sla_clocks = clocks.get(str(record.pk), [])
    return records


SLA_STATES = ("breached", "due_soon")


def _late(model: type[models.Model], pk: str, sla: str, now: dt.datetime) -> Exists:
    """A clock of the record at ``pk`` (an outer reference) in the ``sla`` state at ``now``:
    breached (marked by the sweep, or running past due before the sweep came), or due soon
    (running, past its policy's warning point, not yet due)."""
    clocks = SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=Cast(OuterRef(pk), output_field=CharField()),
    )
    if sla == "breached":
        clocks = clocks.filter(Q(breached=True) | Q(state=ClockState.RUNNING, due_at__lte=now))
    else:
        clocks = clocks.filter(
            state=ClockState.RUNNING, breached=False, warn_at__lte=now, due_at__gt=now
        )
    return Exists(clocks)


def tasks_in_sla_state(qs: QuerySet[Task], sla: str) -> QuerySet[Task]:
    """Tasks with a clock in the ``sla`` state, their own or their request's (the queue
    shows a task's clocks, else its request's: a breach of either is the fulfiller's)."""
    if sla not in SLA_STATES:
        raise ValidationFailed.one("sla", f"one of {', '.join(SLA_STATES)}")
    now = timezone.now()
    return qs.filter(_late(Task, "pk", sla, now) | _late(Request, "request_id", sla, now))
