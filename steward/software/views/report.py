"""The licence compliance report (every product, shortfalls first) and its CSV export."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.cmdb.selectors.export import safe_cell
from steward.software import selectors
from steward.software.views.products import _require_reader

COLUMNS = (
    "Publisher",
    "Product",
    "Version family",
    "Position",
    "Metric",
    "Entitled",
    "Consumed",
    "Balance",
)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    rows = selectors.compliance_report(request.actor)
    short = sum(1 for r in rows if r.compliance.shortfall)
    return render(request, "software/report.html", {"rows": rows, "short": short})


def _lines(rows) -> list[list]:
    lines = []
    for row in rows:
        p, c = row.product, row.compliance
        head = [p.publisher, p.name, p.version_family, c.status_label]
        if not c.positions:
            lines.append([*head, "", "", 0, ""])
        for pos in c.positions:
            entitled = "unlimited" if pos.entitled is None else pos.entitled
            balance = "" if pos.balance is None else pos.balance
            lines.append([*head, pos.label, entitled, pos.consumed, balance])
    return lines


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The report as CSV; a cell that a spreadsheet would read as a formula (``=``, ``+``,
    ``-``, ``@``) is neutralised by the CMDB export's ``safe_cell``."""
    _require_reader(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for line in _lines(selectors.compliance_report(request.actor)):
        writer.writerow([safe_cell(v) for v in line])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="licence-compliance.csv"'
    return response
