"""The issue's change-management targets against the measured figures, each beside the
plain-driver figure for the same work, and the printed table."""

from __future__ import annotations

from bench.cmdb.table import _row


def checks(data: dict) -> list[dict]:
    rows = []
    conflicts = data.get("conflicts")
    if conflicts:
        found = conflicts["conflicting_changes"]
        label = (
            f"conflicts_for p95 ({conflicts['steward']['samples']} new changes;"
            f" conflicts median {found['median']:g}, max {found['max']})"
        )
        steward, raw = conflicts["steward"], conflicts["raw"]
        rows.append(_row(label, "<= 50 ms", steward["p95_ms"], raw["p95_ms"], "same SQL", "ms"))
        rows.append(_row("  p50", "", steward["p50_ms"], raw["p50_ms"], "same SQL", "ms"))
    calendar = data.get("calendar")
    if calendar:
        label = f"change_calendar month p95 ({calendar['changes']:,} changes)"
        steward, raw = calendar["steward"], calendar["raw"]
        rows.append(_row(label, "<= 50 ms", steward["p95_ms"], raw["p95_ms"], "same SQL", "ms"))
        rows.append(_row("  p50", "", steward["p50_ms"], raw["p50_ms"], "same SQL", "ms"))
        if "before" in calendar:
            before = calendar["before"]
            label = "  the selector before decision 0029, p95"
            rows.append(_row(label, "", before["p95_ms"], raw["p95_ms"], "same SQL", "ms"))
        if "orm" in calendar:
            orm = calendar["orm"]
            label = "  the ORM's objects, same rows, p95"
            rows.append(_row(label, "", orm["p95_ms"], raw["p95_ms"], "same SQL", "ms"))
    page = data.get("month_page")
    if page:
        label = f"  month page in-process p95 ({page['queries']} queries)"
        raw = calendar["raw"]["p95_ms"] if calendar else None
        rows.append(_row(label, "<= 50 ms", page["steward"]["p95_ms"], raw, "calendar SQL", "ms"))
    per_day = data.get("month")
    if per_day:  # decision 0036: the first six per day and a count, before and after
        raw = per_day["raw"]["p95_ms"]
        label = f"month read, first 6 a day + counts p95 ({per_day['drawn']} rows)"
        rows.append(_row(label, "<= 50 ms", per_day["read"]["p95_ms"], raw, "same SQL", "ms"))
        label = "  before: the whole month placed in Python, p95"
        rows.append(_row(label, "", per_day["before"]["p95_ms"], raw, "same SQL", "ms"))
        label = f"month page in-process p95 ({per_day['page_queries']} queries)"
        rows.append(_row(label, "<= 50 ms", per_day["page"]["p95_ms"], raw, "read SQL", "ms"))
        label = f"  page before p95 ({per_day['page_before_queries']} queries)"
        rows.append(_row(label, "", per_day["page_before"]["p95_ms"], raw, "read SQL", "ms"))
    create = data.get("create")
    if create:
        http, raw = create["http"], create["raw"]
        label = f"POST /changes, creates/s ({http['clients']} clients, {http['errors']} errors)"
        rows.append(_row(label, ">= 500", http["rps"], raw["rps"], "same writes"))
        if create.get("floor"):
            floor = create["floor"]["rps"]
            label = "  Steward / floor, creates/s (floor: bare Django insert)"
            ratio = create["steward_over_floor"]
            rows.append(_row(label, ">= 0.3", ratio, floor, "floor /s"))
        for metric in ("p50_ms", "p95_ms", "p99_ms"):
            name = metric.removesuffix("_ms")
            rows.append(_row(f"  {name}", "", http[metric], raw[metric], "same writes", "ms"))
    return rows
