"""Reads the change pages need that ``selectors`` does not offer yet, built only on its
permission-scoped querysets (``change_visible``, ``freeze_visible``) so nothing here can
widen what a user sees. Each one is a candidate to move into ``selectors``."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from steward.changes import selectors
from steward.changes.choices import ChangeType, RiskLevel, Status
from steward.changes.models import Change, ChangeCI, FreezeWindow
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.pagination import Page, paginate

QUEUES = {
    "mine": "Mine",
    "my_teams": "My teams",
    "awaiting": "Awaiting my approval",
    "scheduled": "Scheduled",
    "all": "All",
}


def _check(values: list[str], name: str, allowed: list[str]) -> list[str]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValidationFailed.one(name, f"unknown value {bad[0]!r}")
    return values


def change_queue(
    actor: Actor,
    *,
    queue: str,
    status: list[str],
    type: list[str],  # noqa: A002 - the filter's name on the page and in the API
    risk: list[str],
    team: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible changes in one of ``QUEUES``, newest first, with what a row shows
    loaded in a fixed number of queries."""
    if queue not in QUEUES:
        raise ValidationFailed.one("queue", f"one of {', '.join(QUEUES)}")
    qs = selectors.change_visible(actor)
    user = actor.user
    if queue == "mine":
        qs = qs.filter(Q(assignee=user) | Q(requester=user))
    elif queue == "my_teams":
        qs = qs.filter(team__in=user.teams.all()) if user else qs.none()
    elif queue == "awaiting":
        ids = {a.change_id for a in selectors.approvals_awaiting(actor)}
        qs = qs.filter(id__in=ids)
    elif queue == "scheduled":
        qs = qs.filter(status=Status.SCHEDULED)
    if status:
        qs = qs.filter(status__in=_check(status, "status", Status.values))
    if type:
        qs = qs.filter(type__in=_check(type, "type", ChangeType.values))
    if risk:
        qs = qs.filter(risk_level__in=_check(risk, "risk", RiskLevel.values))
    if team:
        qs = qs.filter(team__slug=team)
    q = q.strip()
    if q and selectors.NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    qs = qs.select_related("requester", "team", "assignee")
    return paginate(qs, order=("-created_at", "-id"), cursor=cursor, limit=limit)


def freezes_between(actor: Actor, *, start: dt.datetime, end: dt.datetime) -> list[FreezeWindow]:
    """Active freeze windows the actor may see overlapping ``[start, end)`` (one query)."""
    return list(
        selectors.freeze_visible(actor)
        .filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .select_related("ci")
        .order_by("starts_at", "id")[:200]
    )


def calendar_conflicts(changes: list[Change], *, start: dt.datetime, end: dt.datetime) -> set[int]:
    """Ids of ``changes`` whose held window overlaps another change's on the same CI, found
    from one range scan of the ``change_ci_window`` index and a sweep in Python. Dependent
    CIs are left to the change page (``change_conflicts`` walks the CMDB per change)."""
    shown = {c.pk for c in changes}
    if not shown:
        return set()
    rows = ChangeCI.objects.filter(
        holds_window=True, planned_start__lt=end, planned_end__gt=start
    ).values_list("ci_id", "change_id", "planned_start", "planned_end")
    by_ci: dict[int, list[tuple]] = defaultdict(list)
    for ci_id, change_id, s, e in rows:
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
