"""Every report, read for an actor over a period (and a team): ``report_get`` by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.reports.choices import ReportName
from steward.reports.selectors.incidents import (
    backlog,
    incident_flow,
    resolution_time,
    top_categories,
    top_cis,
)
from steward.reports.selectors.reach import (
    Column,
    Period,
    Reach,
    Table,
    can_read,
    period_of,
    reach_of,
    team_choices,
)
from steward.reports.selectors.satisfaction import satisfaction
from steward.reports.selectors.service import changes, problems, requests
from steward.reports.selectors.sla import sla_compliance

REPORTS: dict[str, Callable[[Reach], Table]] = {
    ReportName.FLOW: incident_flow,
    ReportName.BACKLOG: backlog,
    ReportName.RESOLUTION_TIME: resolution_time,
    ReportName.SLA: sla_compliance,
    ReportName.CATEGORIES: top_categories,
    ReportName.CIS: top_cis,
    ReportName.CHANGES: changes,
    ReportName.PROBLEMS: problems,
    ReportName.REQUESTS: requests,
    ReportName.SATISFACTION: satisfaction,
}


def report_get(
    actor: Actor,
    *,
    name: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    team: str = "",
) -> Table:
    """One report; ``NotFound`` for an unknown name and for requesters."""
    if name not in REPORTS or not can_read(actor):
        raise NotFound()
    reach = reach_of(actor, start=start, end=end, team=team, changes=name == ReportName.CHANGES)
    return _read(name, reach, team)


def _read(name: str, reach: Reach, team: str) -> Table:
    table = REPORTS[name](reach)
    table.period, table.team = reach.period, team
    return table


def report_all(
    actor: Actor, *, start: dt.date | None = None, end: dt.date | None = None, team: str = ""
) -> list[Table]:
    """Every report the reader may read for ``team``, in the order of ``ReportName`` (the
    reach read once, and once more for the changes report, which change managers read for
    every team). Each answers as ``report_get`` does: a change manager naming a team not
    theirs reads that team's changes report alone (the others are a 422 naming ``team``
    over the API); a team the reader may read nothing of is that 422 here too."""
    for_changes = reach_of(actor, start=start, end=end, team=team, changes=True)
    try:
        reach = reach_of(actor, start=start, end=end, team=team)
    except ValidationFailed:
        if not team:
            raise
        return [_read(ReportName.CHANGES, for_changes, team)]
    return [_read(n, for_changes if n == ReportName.CHANGES else reach, team) for n in REPORTS]


__all__ = [
    "REPORTS",
    "Column",
    "Period",
    "Reach",
    "Table",
    "can_read",
    "period_of",
    "reach_of",
    "report_all",
    "report_get",
    "team_choices",
]
