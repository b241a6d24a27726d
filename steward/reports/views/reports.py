"""The reports page (every report, one filter), one report alone, and a report as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from steward.cmdb.selectors.export import safe_cell
from steward.core.errors import DomainError, NotFound
from steward.core.filters import parse_query
from steward.core.selectors.timeline import format_date
from steward.reports import selectors
from steward.reports.choices import ReportName
from steward.reports.filters import ReportFilters


def _filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, list[str]]]:
    if not selectors.can_read(request.actor):
        raise NotFound()  # requesters get the page an unknown address gets
    filters, errors = parse_query(ReportFilters, request.GET)
    # the parser's words are English: a refused date is told in the reader's language
    errors = {
        n: [_("a date, YYYY-MM-DD")] if n in ("start", "end") else m for n, m in errors.items()
    }
    return filters.dict(), errors


MONTH = re.compile(r"^(\d{4})-(\d{2})$")  # a month as the CSV keeps it: 2026-09


def _cell(value: Any) -> Any:
    """A week or month as the pages write dates (``14 Sep 2026``, ``September 2026``, in the
    reader's language); the CSV keeps them as ISO dates for spreadsheets."""
    if isinstance(value, dt.date):
        return format_date(value)
    month = MONTH.match(value) if isinstance(value, str) else None
    if month:
        return dateformat.format(dt.date(int(month[1]), int(month[2]), 1), "F Y")
    return value


Drill = tuple[str, Callable[[dict[str, Any]], str]]


def _queue(**filters: Any) -> str:
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in filters.items() if v not in ("", None)})
    return f"{reverse('incidents:list')}?{query.urlencode()}"


def drills(table: selectors.Table, team: str | None) -> Drill | None:
    """The column whose figures open the incidents behind them in the queue, and each row's
    address (a manager read "8" beside a CI and had to find those incidents herself).
    ``team``: the team the figures are of ("" every team's, None several teams of the
    reader's, which no one queue shows but the open ones under "My teams")."""
    period = table.period
    if table.name == ReportName.BACKLOG:
        queue = "my_teams" if team is None else "open"
        return "total", lambda r: _queue(queue=queue, priority=r["priority_value"], team=team)
    if team is None or period is None:
        return None
    opened = {
        "queue": "all",
        "team": team,
        "created_after": period.since.isoformat(),
        "created_before": period.until.isoformat(),
    }
    if table.name == ReportName.CIS:
        return "incidents", lambda r: _queue(ci=r["ci"], **opened)
    if table.name == ReportName.CATEGORIES:
        return (
            "incidents",
            lambda r: r["category_slug"] and _queue(category=r["category_slug"], **opened),
        )
    return None


def shown(table: selectors.Table, team: str | None = None) -> dict[str, Any]:
    """A table as the page draws it: each cell with the width of its bar (a share of the
    column's largest value; a percentage's, of 100), where the column has one, and the
    address of the incidents behind it where the figure has one (``drills``)."""
    widest = {
        c.key: 100 if c.share else max((r[c.key] or 0 for r in table.rows), default=0)
        for c in table.columns
        if c.bar
    }
    drill = drills(table, team)
    rows = [
        [
            (
                row[c.key],
                round(100 * (row[c.key] or 0) / widest[c.key]) if widest.get(c.key) else None,
                drill[1](row) if drill and drill[0] == c.key and row[c.key] else "",
                False,
            )
            if c.bar
            else (_cell(row[c.key]), None, "", c.text)
            for c in table.columns
        ]
        for row in table.rows
    ]
    return {"table": table, "rows": rows}


def _links_team(request: HttpRequest, values: dict[str, Any]) -> str | None:
    """The team of the figures as the queue's filter names it: the one chosen, every team
    (""), the reader's only team, or None for several of hers."""
    if values.get("team") or request.actor.is_admin:
        return values.get("team") or ""
    mine = selectors.team_choices(request.actor)
    return mine[0].slug if len(mine) == 1 else None


def report_index(tables: list[selectors.Table], current: str | None, query: str) -> list[dict]:
    """The index above the reports (a manager scrolled past ten tables to find one): each
    report's title with its place on the reports page (an anchor) and its own page, both
    with the period and team as read. The reports page lists the reports it shows; one
    report's page lists every report, its own marked current. None when none was read (a
    refused period or team)."""
    if not tables:
        return []
    suffix = f"?{query}" if query else ""
    names = [str(t.name) for t in tables] if current is None else list(map(str, selectors.REPORTS))
    on_list = "" if current is None else reverse("reports:list") + suffix
    return [
        {
            "name": name,
            "title": ReportName(name).label,
            "section": f"{on_list}#report-{name}",
            "page": reverse("reports:detail", args=[name]) + suffix,
            "current": name == current,
        }
        for name in names
    ]


def _page(request: HttpRequest, template: str, read, current: str | None = None) -> HttpResponse:
    values, errors = _filters(request)
    tables = []
    if not errors:
        try:
            tables = read(values)
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"": [exc.message]}
    period = tables[0].period if tables else None
    context = {
        "reports": [shown(t, _links_team(request, values)) for t in tables] if tables else [],
        # the dates as read, else as typed (a refused one stays in its field)
        "start": period.start.isoformat() if period else request.GET.get("start", ""),
        "end": period.end.isoformat() if period else request.GET.get("end", ""),
        "values": values,
        "period": period,
        "errors": errors,
        "general": errors.get("", []),
        "every_team": request.actor.is_admin,
        "teams": selectors.team_choices(request.actor),
        "query": request.GET.urlencode(),
        "index": report_index(tables, current, request.GET.urlencode()),
        # the filter stays on the page it is on (one report's page showed every report)
        "action": reverse("reports:detail", args=[current]) if current else reverse("reports:list"),
    }
    return render(request, template, context, status=422 if errors else 200)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    return _page(request, "reports/list.html", lambda v: selectors.report_all(request.actor, **v))


@login_required
@require_GET
def report_detail(request: HttpRequest, name: str) -> HttpResponse:
    if name not in selectors.REPORTS:
        raise NotFound()
    return _page(
        request,
        "reports/list.html",
        lambda v: [selectors.report_get(request.actor, name=name, **v)],
        current=name,
    )


@login_required
@require_GET
def report_export(request: HttpRequest, name: str) -> HttpResponse:
    """One report as CSV: a line of column names, then the rows (the period in the file's
    name); a cell
    a spreadsheet would read as a formula is neutralised (the CMDB export's ``safe_cell``)."""
    values, errors = _filters(request)
    status = 422
    if not errors:
        try:
            table = selectors.report_get(request.actor, name=name, **values)
        except NotFound:
            raise  # an unknown report: the 404 page
        except DomainError as exc:  # a period or team refused: said as a refused filter is
            errors = {n: list(m) for n, m in exc.fields.items()} or {"": [exc.message]}
            status = exc.status
    if errors:
        # a download has no form to show messages beside: what was refused, as plain text
        # (the CMDB's and the assets' exports answer alike)
        refused = "; ".join(f"{n}: {' '.join(m)}" if n else " ".join(m) for n, m in errors.items())
        return HttpResponse(refused, status=status, content_type="text/plain; charset=utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(str(c.label)) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(row[c.key]) for c in table.columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{name}-{table.period.start}-{table.period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
