"""Customer satisfaction (CSAT): of the surveys sent in each month, per team, how many were
answered, their mean rating, the share satisfied (4 or 5) and the response rate; one grouped
statement over the surveys the reader may see (decision 0109)."""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from steward.reports.choices import ReportName
from steward.reports.selectors.reach import Column, Reach, Table, percent, slot
from steward.surveys import selectors as survey_selectors
from steward.surveys.choices import SATISFIED

NO_TEAM = "—"


def satisfaction(reach: Reach) -> Table:
    months = reach.period.months()
    answered = Q(rating__isnull=False)
    grouped = (
        reach.teams(survey_selectors.survey_visible(reach.actor))
        .filter(reach.period.within("invited_at"))
        .annotate(month=slot("invited_at", reach.period.edges(months)))
        .values("month", "team__name")
        .annotate(
            invited=Count("pk"),
            responses=Count("pk", filter=answered),
            mean=Avg("rating", filter=answered),
            satisfied=Count("pk", filter=Q(rating__in=SATISFIED)),
        )
        .order_by("month", "team__name")
    )
    rows = [
        {
            "month": months[row["month"]].strftime("%Y-%m"),
            "team": row["team__name"] or NO_TEAM,
            "invited": row["invited"],
            "responses": row["responses"],
            "average": None if row["mean"] is None else round(float(row["mean"]), 2),
            "satisfied_percent": percent(row["satisfied"], row["responses"]),
            "response_rate": percent(row["responses"], row["invited"]),
        }
        for row in grouped
    ]
    return Table(
        ReportName.SATISFACTION,
        ReportName.SATISFACTION.label,
        _(
            "Satisfaction surveys sent in the period, by month of the invitation and the team "
            "that resolved the record. Responses: surveys answered; average: the mean rating "
            "from 1 (very dissatisfied) to 5 (very satisfied); satisfied: the share of "
            "responses rated 4 or 5 (CSAT); response rate: responses out of surveys sent."
        ),
        [
            Column("month", _("Month")),
            Column("team", _("Team"), text=True),
            Column("invited", _("Surveys sent")),
            Column("responses", _("Responses")),
            Column("average", _("Average rating")),
            Column("satisfied_percent", _("Satisfied %"), bar=True, share=True),
            Column("response_rate", _("Response rate %"), bar=True, share=True),
        ],
        rows,
    )
