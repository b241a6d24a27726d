"""Reads of manual maintenance windows: the operators' list and page, the per-event
lookup (one indexed statement), and which live alerts a window in force covers (decision
0105)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from steward.cmdb import selectors as cmdb_selectors
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.datetimes import check_bounds
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import sees_everything
from steward.events.models import Alert, MaintenanceWindow
from steward.events.selectors.permissions import can_read

ORDER = ("-starts_at", "-id")
WindowCI = MaintenanceWindow.configuration_items.through


def window_visible(actor: Actor) -> QuerySet[MaintenanceWindow]:
    """Agents read windows; one limited to organisations those naming only CIs it may see
    (a node pattern names no CI: every agent reads it). The scoping rule's limit (decision
    0009, ``sees_everything``): the system, an administrator (limited to organisations or
    not: she reads every organisation's alerts and CIs) and an unrestricted agent read
    every window."""
    if not can_read(actor):
        return MaintenanceWindow.objects.none()
    qs = MaintenanceWindow.objects.all()
    if sees_everything(actor):
        return qs
    hidden = WindowCI.objects.filter(maintenancewindow_id=OuterRef("pk")).exclude(
        configurationitem_id__in=cmdb_selectors.ci_visible(actor).values("pk")
    )
    return qs.filter(~Exists(hidden))


def window_id(pk: object) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound()
    return int(text)


def window_list(
    actor: Actor,
    *,
    q: str = "",
    active_at: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of windows, the latest start first; ``active_at`` those in force then."""
    qs = window_visible(actor).prefetch_related("configuration_items")
    for word in q.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(reason__icontains=word) | Q(node_pattern__icontains=word)
        )
    if check_bounds("active_at", active_at):  # a 422, not a date the database cannot hold
        qs = qs.filter(starts_at__lte=active_at, ends_at__gt=active_at)
    return paginate(qs, order=ORDER, cursor=cursor, limit=limit)


def window_get(actor: Actor, *, pk: object) -> MaintenanceWindow:
    """One window; ``NotFound`` for absent and invisible alike."""
    found = (
        window_visible(actor)
        .prefetch_related("configuration_items")
        .filter(pk=window_id(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Held:
    """A window not over when loaded: its times, node pattern and CIs."""

    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    pattern: str
    cis: frozenset[int]

    def covers(self, node: str, ci_id: int | None, at: dt.datetime) -> bool:
        if not self.starts_at <= at < self.ends_at:
            return False
        return (ci_id is not None and ci_id in self.cis) or _matches(self.pattern, node)


def _matches(pattern: str, node: str) -> bool:
    return bool(pattern) and fnmatchcase(node.strip().lower(), pattern.lower())


def _load() -> tuple[Held, ...]:
    """The windows not over yet (a range of ``event_window_active``) with their CIs, in
    one statement."""
    rows = (
        MaintenanceWindow.objects.filter(ends_at__gt=timezone.now())
        .order_by("ends_at", "pk")
        .values_list("pk", "starts_at", "ends_at", "node_pattern", "configuration_items")
    )
    found: dict[int, tuple[dt.datetime, dt.datetime, str, set[int]]] = {}
    for pk, starts, ends, pattern, ci_id in rows:
        held = found.setdefault(pk, (starts, ends, pattern, set()))
        if ci_id is not None:
            held[3].add(ci_id)
    return tuple(Held(pk, s, e, p, frozenset(c)) for pk, (s, e, p, c) in found.items())


# reloaded when a window is saved, deleted or its CIs change (steward/events/apps.py); a
# window that ends meanwhile is left out by its time, so a process never needs a reload
_held = stamps.Versioned(stamps.EVENT_WINDOWS, _load)


def window_covering(node: str, ci_id: int | None, at: dt.datetime) -> int | None:
    """The window in force at ``at`` over the CI or the node, or None: read from the
    windows kept per process under the ``EVENT_WINDOWS`` stamp (the request's stamp read
    and nothing more; one indexed statement after a window changed). Every sender's: the
    CI was matched within the sender's scope already."""
    for held in _held.get():
        if held.covers(node, ci_id, at):
            return held.pk
    return None


def mark_in_maintenance(alerts: list[Alert], at: dt.datetime) -> None:
    """Show the live alerts a window in force covers as in maintenance from its start (no
    statement: the kept windows). The flag is stored when an event reaches such an alert,
    and the incident rule checks it before opening one (decision 0105)."""
    for alert in alerts:
        if alert.state == "closed" or alert.in_maintenance:
            continue
        if window_covering(alert.node, alert.configuration_item_id, at) is not None:
            alert.in_maintenance = True
