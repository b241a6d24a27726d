"""Conflict detection: the changes and freeze windows a change's planned window collides
with on its CIs and those related to them through the CMDB."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from steward.changes.choices import ApprovalState, Status
from steward.changes.models import Change, ChangeCI, FreezeWindow
from steward.changes.selectors.records import (
    CONFLICT_DEPTH,
    MAX_CONFLICTS,
    MAX_WINDOW,
    change_visible,
)
from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb.choices import Direction
from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor

# how a conflict's relation reads on a page
RELATIONS = {
    "same_ci": gettext_lazy("on the same CI"),
    "dependent_ci": gettext_lazy("on a dependent CI"),
}

# --- conflicts ----------------------------------------------------------------------------

# a change awaiting authorisation or authorised (not rejected) is planned into its window:
# a conflict to see before it is scheduled, though it holds no window yet
PLANNED_APPROVAL_STATES = (
    ApprovalState.PENDING,
    ApprovalState.APPROVED,
    ApprovalState.NOT_REQUIRED,
)


def conflicting_parts(*, held_only: bool = False) -> list[Q]:
    """What a conflict is, the one rule (decisions 0115, 0119), as disjoint filters on
    ``ChangeCI``: the CI rows of changes holding their window (scheduled or implementing:
    the ``change_ci_window`` index) and, unless ``held_only`` (the scheduling guard), of
    changes planned into it but not yet scheduled (in authorisation, approval pending,
    approved or not required; their rows carry the window copied when they moved). The
    change page, its API, the CAB agenda and the calendar's flag (``calendar_conflicts``,
    which reads each part as its own index range) all read it."""
    parts = [Q(holds_window=True)]
    if not held_only:
        parts.append(
            Q(
                holds_window=False,
                change__status=Status.AUTHORIZATION,
                change__approval_state__in=PLANNED_APPROVAL_STATES,
            )
        )
    return parts


def conflicting(*, held_only: bool = False) -> Q:
    """``conflicting_parts`` as one filter."""
    rule = Q()
    for part in conflicting_parts(held_only=held_only):
        rule |= part
    return rule


@dataclass
class ConflictReport:
    """What scheduling a change into its window would collide with."""

    changes: list[dict] = field(default_factory=list)
    freezes: list[dict] = field(default_factory=list)
    # number → name of the CIs the report names (the reader may see them): the pages show
    # the name, the JSON (``conflict_json``) keeps the numbers
    ci_names: dict[str, str] = field(default_factory=dict)

    def shown_changes(self) -> list[dict]:
        """The conflicting changes with their CIs as (number, name) ("Online shop"), for a
        page."""
        return [
            {**c, "ci_links": [(n, self.ci_names.get(n, n)) for n in c["cis"]]}
            for c in self.changes
        ]

    def shown_freezes(self) -> list[dict]:
        """The freeze windows with their CI by name, for a page."""
        return [
            {**f, "ci_name": self.ci_names.get(f["ci"], f["ci"]) if f["ci"] else None}
            for f in self.freezes
        ]

    @property
    def empty(self) -> bool:
        return not self.changes and not self.freezes

    def summary(self) -> list[str]:
        lines = [
            f"{c['number'] or 'a change you cannot see'} ({c['relation']})" for c in self.changes
        ]
        lines += [f"freeze window {f['name']}" for f in self.freezes]
        return lines

    def in_words(self) -> str:
        """The report as a sentence a person reads (the API's codes stay in ``summary`` and
        the JSON): "CHG0000012 Patch the router, on the same CI; freeze window Year end"."""
        where = RELATIONS
        lines = [
            f"{c['number']} {c['title']}, {where[c['relation']]}"
            if c["number"]
            else f"{gettext('a change you cannot see')}, {where[c['relation']]}"
            for c in self.changes
        ]
        lines += [gettext("freeze window %(name)s") % {"name": f["name"]} for f in self.freezes]
        return "; ".join(lines)


def related_ci_ids(ci_ids: list[int], depth: int = CONFLICT_DEPTH) -> dict[int, str]:
    """The CIs and every CI depending on them or that they depend on, to ``depth`` hops:
    id → "same_ci" or "dependent_ci". Both directions of the CMDB's recursive impact query
    (ids only: two queries per CI, no CI rows loaded)."""
    related: dict[int, str] = dict.fromkeys(ci_ids, "same_ci")
    if not ci_ids:
        return related
    types = cmdb_selectors.relationship_directions()
    with connection.cursor() as cursor:
        for ci_id in ci_ids:
            for direction in (Direction.UP, Direction.DOWN):
                sql, params = cmdb_selectors.impact_query(
                    direction, start_id=ci_id, depth=depth, types=types
                )
                cursor.execute(sql, params)
                for found, *_rest in cursor.fetchall():
                    related.setdefault(found, "dependent_ci")
    return related


def conflicts_for(
    actor: Actor,
    *,
    change: Change | None,
    ci_numbers: list[str],
    start: dt.datetime,
    end: dt.datetime,
    held_only: bool = False,
) -> ConflictReport:
    """Changes overlapping ``[start, end)`` on the same or dependent CIs, and freeze windows
    overlapping it (global or on a related CI). The changes are those holding their window
    (scheduled or implementing) and, unless ``held_only`` (the scheduling guard), those
    planned into it but not yet scheduled (awaiting authorisation or authorised; a rejected
    one is going nowhere), each with its ``status`` and ``approval_state``.

    One range scan on the change's CI rows for all related CIs (joined to the change for
    its state), one on ``freeze_window``: never a loop over changes. Changes the actor may
    not see are listed without number or title, and only the CIs the actor may see are
    named."""
    ids = list(ConfigurationItem.objects.filter(number__in=ci_numbers).values_list("id", flat=True))
    return _conflicts_of_cis(
        actor, change=change, ci_ids=ids, start=start, end=end, held_only=held_only
    )


def _conflicts_of_cis(
    actor: Actor,
    *,
    change: Change | None,
    ci_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    held_only: bool = False,
) -> ConflictReport:
    """``conflicts_for`` of CIs given by id (the change page's own CIs)."""
    related = related_ci_ids(ci_ids)
    report = ConflictReport()
    links = (
        ChangeCI.objects.filter(
            conflicting(held_only=held_only),
            ci_id__in=list(related),
            planned_start__gte=start - MAX_WINDOW,
            planned_start__lt=end,
            planned_end__gt=start,
        )
        .select_related("change", "ci")
        .order_by("planned_start", "change_id", "ci_id")
    )
    if change is not None:
        links = links.exclude(change_id=change.pk)
    visible_cis = (
        set(related)
        if actor.is_system or actor.is_admin
        else set(
            cmdb_selectors.ci_visible(actor)
            .filter(id__in=list(related))
            .values_list("id", flat=True)
        )
    )
    by_change: dict[int, dict] = {}
    rows = list(links[: MAX_CONFLICTS * 5])
    visible = set(
        change_visible(actor)
        .filter(id__in={r.change_id for r in rows})
        .values_list("id", flat=True)
    )
    for link in rows:
        entry = by_change.get(link.change_id)
        seen = link.change_id in visible
        if entry is None:
            entry = by_change[link.change_id] = {
                "number": link.change.number if seen else None,
                "title": link.change.title if seen else "",
                "status": link.change.status,
                "approval_state": link.change.approval_state,
                "planned_start": link.planned_start,
                "planned_end": link.planned_end,
                "relation": related[link.ci_id],
                "cis": [],
            }
        if related[link.ci_id] == "same_ci":
            entry["relation"] = "same_ci"
        if seen and link.ci_id in visible_cis:
            entry["cis"].append(link.ci.number)
            report.ci_names[link.ci.number] = link.ci.name
    report.changes = list(by_change.values())[:MAX_CONFLICTS]
    freezes = (
        FreezeWindow.objects.filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .filter(Q(ci__isnull=True) | Q(ci_id__in=list(related)))
        .select_related("ci")
        .order_by("starts_at", "id")[:MAX_CONFLICTS]
    )
    for freeze in freezes:
        seen = freeze.ci_id is None or freeze.ci_id in visible_cis
        if seen and freeze.ci is not None:
            report.ci_names[freeze.ci.number] = freeze.ci.name
        report.freezes.append(
            {
                "slug": freeze.slug if seen else None,
                "name": freeze.name if seen else "a freeze window you cannot see",
                "starts_at": freeze.starts_at,
                "ends_at": freeze.ends_at,
                "ci": freeze.ci.number if seen and freeze.ci else None,
            }
        )
    return report


def change_conflicts(actor: Actor, change: Change) -> ConflictReport:
    """What a visible change collides with in its planned window (empty without one)."""
    if change.planned_start is None or change.planned_end is None:
        return ConflictReport()
    # every CI of the change, seen or not (the page's prefetched CIs are the visible ones):
    # ids straight from the links, no CI row read
    ids = list(ChangeCI.objects.filter(change=change).values_list("ci_id", flat=True))
    return _conflicts_of_cis(
        actor, change=change, ci_ids=ids, start=change.planned_start, end=change.planned_end
    )
