"""SLA compliance: of the incidents resolved in each month, the share whose response and
resolution clocks stopped without a breach. One grouped statement: each incident's clocks
are found by the clock's unique index ``(content_type, object_id, kind)``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from steward.incidents.choices import Priority
from steward.incidents.models import Incident
from steward.reports.choices import ReportName
from steward.reports.selectors.incidents import PRIORITY, resolved_in
from steward.reports.selectors.reach import Column, Reach, Table, percent, slot
from steward.sla.choices import ClockKind, ClockState
from steward.sla.models import SlaClock


def _stopped(kind: str, **more: object) -> Exists:
    """The incident's clock of ``kind`` stopped (and ``more``)."""
    return Exists(
        SlaClock.objects.filter(
            content_type_id=ContentType.objects.get_for_model(Incident).pk,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            kind=kind,
            state=ClockState.STOPPED,
            **more,
        )
    )


def sla_compliance(reach: Reach) -> Table:
    counts = {}
    for kind in ClockKind.values:
        counts[f"{kind}_timed"] = Count("pk", filter=Q(_stopped(kind)))
        counts[f"{kind}_met"] = Count("pk", filter=Q(_stopped(kind, breached=False)))
    months = reach.period.months()
    grouped = (
        resolved_in(reach)
        .annotate(month=slot("resolved_at", reach.period.edges(months)))
        .values("month", "priority")
        .annotate(resolved=Count("pk"), **counts)
        .order_by("month", "priority")
    )
    labels = dict(Priority.choices)
    rows = [
        {
            "month": months[row["month"]].strftime("%Y-%m"),
            "priority": labels.get(row["priority"], row["priority"]),
            "resolved": row["resolved"],
            **{
                key: row[key]
                for kind in ClockKind.values
                for key in (f"{kind}_timed", f"{kind}_met")
            },
            "response_percent": percent(row["response_met"], row["response_timed"]),
            "resolution_percent": percent(row["resolution_met"], row["resolution_timed"]),
        }
        for row in grouped
    ]
    return Table(
        ReportName.SLA,
        ReportName.SLA.label,
        _(
            "Incidents resolved in the period, by month of resolution and priority. Timed: "
            "those with a stopped SLA clock of that kind (an incident no policy matched has "
            "none). Met: the clock stopped without a breach, counted in business time on the "
            "policy's calendar. The share is met out of timed."
        ),
        [
            Column("month", _("Month")),
            PRIORITY,
            Column("resolved", _("Resolved")),
            Column("response_timed", _("Response timed")),
            Column("response_met", _("Response met")),
            Column("response_percent", _("Response met %"), bar=True),
            Column("resolution_timed", _("Resolution timed")),
            Column("resolution_met", _("Resolution met")),
            Column("resolution_percent", _("Resolution met %"), bar=True),
        ],
        rows,
    )
