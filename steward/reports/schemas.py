"""The API's shape of a report: what it counts, its columns and its rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ColumnOut(Schema):
    key: str
    label: str


class ReportOut(Schema):
    name: str
    title: str
    definition: str
    start: dt.date
    end: dt.date
    team: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


def report_out(table: Any) -> dict[str, Any]:
    """A report (``reports.selectors.Table``) as ``ReportOut`` reads it."""
    return {
        "name": str(table.name),
        "title": str(table.title),
        "definition": str(table.definition),
        "start": table.period.start,
        "end": table.period.end,
        "team": table.team,
        "columns": [{"key": c.key, "label": str(c.label)} for c in table.columns],
        # the columns' values only (a row also keeps what the page's links need)
        "rows": [{c.key: row[c.key] for c in table.columns} for row in table.rows],
    }
