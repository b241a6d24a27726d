"""What the change calendar reads beyond ``change_calendar``: the freeze windows that shade
its days and the same-CI conflicts that flag its changes, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable

from django.db import connections
from django.db.models import TextField
from django.db.models.functions import Cast

from steward.changes.models import ChangeCI, FreezeWindow
from steward.changes.selectors.config import freeze_visible
from steward.changes.selectors.planning import CalendarRow, EpochMicros
from steward.core.actor import Actor
from steward.core.rows import driver_rows


def freezes_between(actor: Actor, *, start: dt.datetime, end: dt.datetime) -> list[FreezeWindow]:
    """Active freeze windows the actor may see overlapping ``[start, end)`` (one query)."""
    return list(
        freeze_visible(actor)
        .filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .select_related("ci")
        .order_by("starts_at", "id")[:200]
    )


def calendar_conflicts(
    changes: Iterable[CalendarRow], *, start: dt.datetime, end: dt.datetime
) -> set[int]:
    """Ids of ``changes`` whose held window overlaps another change's on the same CI, found
    from one range scan of the ``change_ci_window`` index and a sweep in Python. Dependent
    CIs are left to the change page (``change_conflicts`` walks the CMDB per change)."""
    shown = {c.id for c in changes}
    if not shown:
        return set()
    rows = ChangeCI.objects.filter(holds_window=True, planned_start__lt=end, planned_end__gt=start)
    if connections[rows.db].vendor == "sqlite":
        # the stored text: windows are only compared with each other, and SQLite's text
        # (one format, UTC) sorts as the times do, so nothing is parsed
        rows = rows.annotate(
            s=Cast("planned_start", TextField()), e=Cast("planned_end", TextField())
        ).values_list("ci_id", "change_id", "s", "e")
    else:  # PostgreSQL: epoch microseconds, integers that compare as the times do
        rows = rows.annotate(
            s=EpochMicros("planned_start"), e=EpochMicros("planned_end")
        ).values_list("ci_id", "change_id", "s", "e")
    by_ci: dict[int, list[tuple]] = defaultdict(list)
    for ci_id, change_id, s, e in driver_rows(rows):
        by_ci[ci_id].append((s, e, change_id))
    return overlapping(by_ci.values()) & shown


def overlapping(windows_per_ci: Iterable[list[tuple]]) -> set[int]:
    """Ids whose ``(start, end, id)`` window overlaps another id's in the same list (each
    list is one CI's, an id at most once in it): a sort and a sweep, O(n log n)."""
    flagged: set[int] = set()
    for windows in windows_per_ci:
        open_ends: list[tuple] = []  # heap of (end, id) still open at this start
        lonely: list[int] = []  # the open window not flagged yet (there is at most one)
        for s, e, change_id in sorted(windows):
            while open_ends and open_ends[0][0] <= s:
                heapq.heappop(open_ends)
            if open_ends:
                flagged.add(change_id)
                flagged.update(lonely)
                lonely = []
            else:
                lonely = [change_id]
            heapq.heappush(open_ends, (e, change_id))
    return flagged
