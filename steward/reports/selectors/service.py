"""The reports of the other processes: changes by type and outcome, problems and known
errors, and fulfilled service requests. One or two grouped statements each."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from steward.catalog.choices import RequestStatus
from steward.catalog.models import Task
from steward.catalog.selectors import request_visible
from steward.changes.choices import ChangeType, Outcome
from steward.changes.selectors import change_visible
from steward.problems.choices import OPEN_STATES as PROBLEM_OPEN
from steward.problems.choices import Status as ProblemStatus
from steward.problems.selectors import problem_visible
from steward.reports.choices import ReportName
from steward.reports.selectors.reach import (
    Column,
    Reach,
    Table,
    hours,
    medians,
    percent,
    seconds_between,
)

NO_OUTCOME = "none"


def changes(reach: Reach) -> Table:
    period = reach.period
    closed = period.within("closed_at")
    outcomes = {o.value: Count("pk", filter=closed & Q(outcome=o.value)) for o in Outcome}
    grouped = {
        row["type"]: row
        for row in reach.teams(change_visible(reach.actor))
        .filter(period.within("created_at") | closed)
        .values("type")
        .annotate(
            raised=Count("pk", filter=period.within("created_at")),
            closed=Count("pk", filter=closed),
            none=Count("pk", filter=closed & Q(outcome="")),
            **outcomes,
        )
        .order_by()
    }
    raised = sum(row["raised"] for row in grouped.values())
    rows = []
    for kind in ChangeType:
        row = grouped.get(kind, {})
        rows.append(
            {
                "type": kind.label,
                "raised": row.get("raised", 0),
                "raised_percent": percent(row.get("raised", 0), raised),
                "closed": row.get("closed", 0),
                **{o.value: row.get(o.value, 0) for o in Outcome},
                NO_OUTCOME: row.get("none", 0),
            }
        )
    return Table(
        ReportName.CHANGES,
        ReportName.CHANGES.label,
        _(
            "Per change type: changes raised in the period (and their share of all raised: "
            "the emergency row is the emergency share), and changes closed in the period by "
            "the outcome recorded on them (successful, failed, backed out, or none recorded)."
        ),
        [
            Column("type", _("Type")),
            Column("raised", _("Raised")),
            Column("raised_percent", _("Share of raised %"), bar=True, share=True),
            Column("closed", _("Closed")),
            *(Column(o.value, o.label) for o in Outcome),
            Column(NO_OUTCOME, _("No outcome recorded")),
        ],
        rows,
    )


def problems(reach: Reach) -> Table:
    period = reach.period
    row = (
        reach.teams(problem_visible(reach.actor))
        .filter(
            Q(status__in=PROBLEM_OPEN) | period.within("created_at") | period.within("resolved_at")
        )
        .aggregate(
            open=Count("pk", filter=Q(status__in=PROBLEM_OPEN)),
            known_errors=Count("pk", filter=Q(status=ProblemStatus.KNOWN_ERROR)),
            opened=Count("pk", filter=period.within("created_at")),
            resolved=Count("pk", filter=period.within("resolved_at")),
        )
    )
    return Table(
        ReportName.PROBLEMS,
        ReportName.PROBLEMS.label,
        _(
            "Open now: problems new, under investigation or known errors (today, whatever "
            "the period); known errors now: of those, the ones with a documented root cause "
            "and workaround; opened and resolved: problems raised, and resolved, in the period."
        ),
        [
            Column("open", _("Open now")),
            Column("known_errors", _("Known errors now")),
            Column("opened", _("Opened")),
            Column("resolved", _("Resolved")),
        ],
        [row],
    )


TO_FULFIL = seconds_between("created_at", "closed_at")


def requests(reach: Reach) -> Table:
    qs = request_visible(reach.actor).filter(
        reach.period.within("closed_at"), status=RequestStatus.COMPLETED
    )
    if reach.team_ids is not None:
        # a request has no team of its own: it is a team's when one of its tasks is
        tasks = Task.objects.filter(request=OuterRef("pk"), team_id__in=reach.team_ids)
        qs = qs.filter(Exists(tasks))
    row = qs.aggregate(fulfilled=Count("pk"), mean=Avg(TO_FULFIL))
    median = medians(qs, TO_FULFIL).get(None)
    return Table(
        ReportName.REQUESTS,
        ReportName.REQUESTS.label,
        _(
            "Catalogue requests completed in the period (for a team: those with a task of "
            "the team), and the mean and median time from ordering to completion, in "
            "calendar hours (waiting for approval included)."
        ),
        [
            Column("fulfilled", _("Fulfilled")),
            Column("mean_hours", _("Mean hours")),
            Column("median_hours", _("Median hours")),
        ],
        [
            {
                "fulfilled": row["fulfilled"],
                "mean_hours": hours(row["mean"]),
                "median_hours": hours(median),
            }
        ],
    )
