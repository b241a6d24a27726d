"""SLA clocks of requests and tasks for their pages, lists and API answers: each record
gets ``sla_clocks`` (``sla.selectors.ClockStatus``, response first) in one query per page
of records of one type (plus two per distinct calendar), whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from steward.core.actor import Actor
from steward.sla import selectors as sla_selectors


def with_clocks(actor: Actor, records: Iterable[models.Model]) -> list:
    """The records (all of one model), each with its ``sla_clocks``."""
    records = list(records)
    clocks = sla_selectors.clocks_for_many(actor, records)
    for record in records:
        record.sla_clocks = clocks.get(str(record.pk), [])
    return records
