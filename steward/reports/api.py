"""``GET /api/v1/reports/{name}``: one report over a period, for a team (agents and up)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from steward.reports import selectors
from steward.reports.filters import ReportFilters
from steward.reports.schemas import ReportOut, report_out

router = Router(tags=["reports"])


@router.get("/{name}", response=ReportOut)
def get_report(request: HttpRequest, name: str, filters: Query[ReportFilters]):
    """One report by name: incident-flow, backlog, resolution-time, sla-compliance,
    top-categories, top-cis, changes, problems, requests, satisfaction. Figures are the
    actor's teams' (every team's for administrators; for change managers, in the changes
    report)."""
    return report_out(selectors.report_get(request.actor, name=name, **filters.dict()))


ROUTERS = [("reports", router)]
