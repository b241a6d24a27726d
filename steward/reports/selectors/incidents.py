"""The incident reports: flow per week, the backlog by age, time to acknowledge and to
resolve, and the categories and CIs that raise most incidents. Each is one or two grouped
statements."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.cmdb import selectors as cmdb_selectors
from steward.core.selectors.scoping import sees_everything
from steward.incidents.choices import Priority, Status
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_visible
from steward.reports.choices import TOP, AgeBucket, ReportName
from steward.reports.selectors.reach import (
    Column,
    Median,
    Reach,
    Table,
    count_per_slot,
    hours,
    middles,
    seconds_between,
)

RESOLVED = (Status.RESOLVED, Status.CLOSED)
TO_RESOLVE = seconds_between("opened_at", "resolved_at")
# null for an incident never acknowledged: AVG and COUNT of it skip that row
TO_ACKNOWLEDGE = seconds_between("opened_at", "first_response_at")
PRIORITY = Column("priority", _("Priority"), text=True)


def incidents_of(reach: Reach) -> QuerySet[Incident]:
    """The incidents the actor may see, of the reach's teams."""
    return reach.teams(incident_visible(reach.actor))


def opened_in(reach: Reach, *, period: bool = True) -> QuerySet[Incident]:
    """Opened in the period (or at any time: ``period=False``, for ``count_per_slot``, whose
    slots bound it; a second, wider range on the same column is the one SQLite seeks on).
    Every status and priority named, so that both databases read the ``inc_status_opened``
    index (status, priority, opened_at, team, category, CI) range by range instead of every
    row, and nothing else (decision 0103)."""
    qs = incidents_of(reach).filter(status__in=Status.values, priority__in=Priority.values)
    return qs.filter(reach.period.within("opened_at")) if period else qs


def resolved_in(reach: Reach, *, period: bool = True) -> QuerySet[Incident]:
    """Resolved in the period (and still resolved or since closed): the ``inc_resolved_cover``
    index (status, resolved_at, priority, opened_at, team) alone (decision 0103)."""
    qs = incidents_of(reach).filter(status__in=RESOLVED)
    return qs.filter(reach.period.within("resolved_at")) if period else qs


def incident_flow(reach: Reach) -> Table:
    weeks = reach.period.weeks()
    edges = reach.period.edges(weeks)
    counts = {
        when: count_per_slot(qs, f"{when}_at", edges)
        for when, qs in (
            ("opened", opened_in(reach, period=False)),
            ("resolved", resolved_in(reach, period=False)),
        )
    }
    opened = dict(zip(weeks, counts["opened"], strict=True))
    resolved = dict(zip(weeks, counts["resolved"], strict=True))
    rows = [
        {
            "week": week,
            "opened": opened.get(week, 0),
            "resolved": resolved.get(week, 0),
            "net": opened.get(week, 0) - resolved.get(week, 0),
        }
        for week in weeks
    ]
    return Table(
        ReportName.FLOW,
        ReportName.FLOW.label,
        _(
            "Per week (Monday to Sunday): incidents opened (their opening time), incidents "
            "resolved (their resolution time, now resolved or closed) and the difference. "
            "The first and last week may be cut by the period."
        ),
        [
            Column("week", _("Week of")),
            Column("opened", _("Opened"), bar=True),
            Column("resolved", _("Resolved"), bar=True),
            Column("net", _("Opened minus resolved")),
        ],
        rows,
    )


def backlog(reach: Reach) -> Table:
    now = timezone.now()
    edges = [now - dt.timedelta(days=d) for d in (1, 7, 30)]
    buckets = {
        AgeBucket.DAY: Q(opened_at__gt=edges[0]),
        AgeBucket.WEEK: Q(opened_at__gt=edges[1], opened_at__lte=edges[0]),
        AgeBucket.MONTH: Q(opened_at__gt=edges[2], opened_at__lte=edges[1]),
        AgeBucket.OLDER: Q(opened_at__lte=edges[2]),
    }
    counts = {
        row["priority"]: row
        for row in incidents_of(reach)
        .filter(is_open=1, priority__in=Priority.values)
        .values("priority")
        .annotate(total=Count("pk"), **{b.value: Count("pk", filter=q) for b, q in buckets.items()})
        .order_by()
    }
    rows = [
        {
            "priority": priority.label,
            "priority_value": priority.value,  # not a column: the queue filter a figure opens
            "total": counts.get(priority, {}).get("total", 0),
            **{b.value: counts.get(priority, {}).get(b.value, 0) for b in buckets},
        }
        for priority in Priority
    ]
    return Table(
        ReportName.BACKLOG,
        ReportName.BACKLOG.label,
        _(
            "Incidents open now (new, assigned, in progress, on hold) by priority and by "
            "the time since they were opened. This report shows today, whatever the period."
        ),
        [
            PRIORITY,
            Column("total", _("Open"), bar=True),
            *(Column(b.value, b.label) for b in AgeBucket),
        ],
        rows,
    )


def resolution_time(reach: Reach) -> Table:
    """Count, mean time to acknowledge (MTTA), mean and median time to resolve (MTTR) per
    priority, of the incidents resolved in the period: one grouped statement on PostgreSQL
    (its median aggregate); on SQLite the counts and means, then the middle rows of each
    priority (``middles``), both from the ``inc_resolved_cover`` index alone (decisions 0103,
    0129: the index holds ``first_response_at`` for the MTTA). An incident resolved without
    ever being acknowledged (no ``first_response_at``) is left out of the MTTA and counted."""
    resolved = resolved_in(reach)
    pg = connection.vendor == "postgresql"
    extra = {"median": Median(TO_RESOLVE)} if pg else {}
    means = {
        row["priority"]: row
        for row in resolved.values("priority")
        .annotate(
            n=Count("pk"),
            mean=Avg(TO_RESOLVE),
            acknowledged=Count("first_response_at"),
            ack_mean=Avg(TO_ACKNOWLEDGE),
            **extra,
        )
        .order_by()
    }
    if pg:
        middle = {p: row["median"] for p, row in means.items()}
    else:
        middle = middles(resolved, TO_RESOLVE, "priority", {p: r["n"] for p, r in means.items()})
    rows = []
    for priority in Priority:
        row = means.get(priority, {})
        rows.append(
            {
                "priority": priority.label,
                "resolved": row.get("n", 0),
                "mean_hours": hours(row.get("mean")),
                "median_hours": hours(middle.get(priority)),
                "ack_mean_hours": hours(row.get("ack_mean")),
                "not_acknowledged": row.get("n", 0) - row.get("acknowledged", 0),
            }
        )
    return Table(
        ReportName.RESOLUTION_TIME,
        ReportName.RESOLUTION_TIME.label,
        _(
            "Incidents resolved in the period (now resolved or closed), by priority: the "
            "mean and the median of the time from opening to resolution (MTTR), and the mean "
            "time from opening to the first response (MTTA: work started, or an agent's "
            "first public reply), in calendar hours (not business hours; the SLA report "
            "counts business time). Incidents resolved without ever being acknowledged are "
            "left out of the MTTA and counted as not acknowledged."
        ),
        [
            PRIORITY,
            Column("resolved", _("Resolved"), bar=True),
            Column("mean_hours", _("Mean hours to resolve")),
            Column("median_hours", _("Median hours to resolve"), bar=True),
            Column("ack_mean_hours", _("Mean hours to acknowledge")),
            Column("not_acknowledged", _("Not acknowledged")),
        ],
        rows,
    )


def top_categories(reach: Reach) -> Table:
    rows = (
        opened_in(reach)
        .values("category__name", "category__slug")
        .annotate(incidents=Count("pk"))
        .order_by("-incidents", "category__name")[:TOP]
    )
    none = _("(no category)")
    return Table(
        ReportName.CATEGORIES,
        ReportName.CATEGORIES.label,
        _("The categories of the most incidents opened in the period (at most ten)."),
        [Column("category", _("Category")), Column("incidents", _("Incidents"), bar=True)],
        [
            {
                "category": r["category__name"] or none,
                "category_slug": r["category__slug"] or "",  # not a column: for the queue link
                "incidents": r["incidents"],
            }
            for r in rows
        ],
    )


def top_cis(reach: Reach) -> Table:
    qs = opened_in(reach).filter(configuration_item__isnull=False)
    if not sees_everything(reach.actor):
        # a visible incident may name a CI of an organisation the actor does not serve
        qs = qs.filter(configuration_item__in=cmdb_selectors.ci_nameable(reach.actor))
    rows = (
        qs.values("configuration_item__number", "configuration_item__name")
        .annotate(incidents=Count("pk"))
        .order_by("-incidents", "configuration_item__number")[:TOP]
    )
    return Table(
        ReportName.CIS,
        ReportName.CIS.label,
        _(
            "The configuration items named as the cause (the incident's CI) of the most "
            "incidents opened in the period (at most ten; incidents without a CI left out)."
        ),
        [
            Column("ci", _("CI")),
            Column("name", _("Name"), text=True),
            Column("incidents", _("Incidents"), bar=True),
        ],
        [
            {
                "ci": r["configuration_item__number"],
                "name": r["configuration_item__name"],
                "incidents": r["incidents"],
            }
            for r in rows
        ],
    )
