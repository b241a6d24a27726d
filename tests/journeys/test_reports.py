"""The team lead reads the service's figures (lead: Lee Lead, leads Service Desk and
Network): Reports from the top bar, a period of four weeks and one team, a report's CSV."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, shot, sign_in
from tests.journeys.test_agent import queue_rows

pytestmark = [pytest.mark.browser]


def test_lead_reads_reports_for_a_period_and_a_team(page):
    sign_in(page, "lead")
    # the defect: "Reports" was greyed in the top bar ("Coming soon")
    open_module(page, "Reports")
    heading(page, "Reports")
    no_error_on_page(page)
    flow = page.get_by_role("table", name="Incidents opened and resolved per week")
    expect(flow.locator("tbody tr")).to_have_count(12)  # the default: the last 12 weeks
    team = page.get_by_role("combobox", name="Team")
    expect(team.get_by_role("option")).to_have_text(["All my teams", "Network", "Service Desk"])

    end = dt.date.today()
    start = end - dt.timedelta(weeks=4) + dt.timedelta(days=1)
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("To", exact=True).fill(end.isoformat())
    team.select_option(label="Network")
    # the button says what it shows, and nothing hidden is read before it
    page.get_by_role("button", name="Show figures", exact=True).click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    assert f"start={start}" in page.url
    assert "team=network" in page.url  # a bookmark of this period and team
    expect(team).to_have_value("network")
    weeks = len({(start + dt.timedelta(days=n)).isocalendar()[:2] for n in range(28)})
    expect(flow.locator("tbody tr")).to_have_count(weeks)
    monday = start - dt.timedelta(days=start.weekday())
    # the week as every page writes a date ("14 Sep 2026"), not Django's "Sept. 14, 2026"
    expect(flow.locator("tbody th").first).to_have_text(
        f"{monday.day} {monday:%b %Y}", ignore_case=True
    )
    expect(page.locator("#period")).to_contain_text(f"Figures from {start.day} {start:%b %Y}")
    backlog = page.get_by_role("table", name="Open incidents by priority and age")
    expect(backlog.get_by_role("columnheader")).to_have_text(
        ["Priority", "Open", "Up to 1 day", "1 to 7 days", "7 to 30 days", "Over 30 days"]
    )
    shot(page, "team-lead", "reports")

    section = page.locator("#report-backlog")
    with page.expect_download() as download:
        section.get_by_role("link", name=re.compile("Download CSV")).click()
    assert download.value.suggested_filename == f"backlog-{start}-{end}.csv"
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "Priority,Open,Up to 1 day,1 to 7 days,7 to 30 days,Over 30 days"
    rows = backlog.locator("tbody tr").all()
    assert len(lines) == 1 + len(rows) == 6
    for line, row in zip(lines[1:], rows, strict=True):
        # the text as written (a row's heading is shown in capitals)
        cells = [c.strip() for c in row.locator("th, td").all_text_contents()]
        assert line.split(",") == cells

    # a figure opens the incidents it counts (it was plain text: a dead end for the lead)
    row = backlog.locator("tbody tr").filter(has=page.get_by_role("link")).first
    figure = row.get_by_role("link")
    count = int(figure.inner_text())
    figure.click()
    page.wait_for_load_state("load")
    heading(page, "Incidents")
    no_error_on_page(page)
    expect(page.get_by_label("Team")).to_have_value("network")
    expect(queue_rows(page)).to_have_count(count)
