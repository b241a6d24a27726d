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


RESOLUTION = "Time to acknowledge and resolve by priority"


def _hours(table, priority: str, column: int) -> float:
    """A figure of the priority's row (``column``: its place after the row's heading)."""
    row = table.locator("tbody tr").filter(has=table.page.get_by_role("rowheader", name=priority))
    return float(row.locator("td").nth(column).inner_text())


def test_the_it_manager_finds_each_report_from_the_index(page):
    """The IT manager (admin: every team's figures) scrolled past ten tables for the one she
    wanted, and nothing linked to a report's own page: the index above the reports leads to
    each, below and on its own page. The time to acknowledge stands beside the time to
    resolve, and the demo's desk is quicker on a high priority than on a low one."""
    sign_in(page, "admin")
    open_module(page, "Reports")
    heading(page, "Reports")
    no_error_on_page(page)
    index = page.get_by_role("navigation", name="Report index")
    expect(index.get_by_role("link", name=re.compile("^Own page: "))).to_have_count(10)

    index.get_by_role("link", name=RESOLUTION, exact=True).click()
    expect(page).to_have_url(re.compile(r"/reports/#report-resolution-time$"))
    table = page.get_by_role("table", name=RESOLUTION)
    expect(table).to_be_in_viewport()
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            "Priority",
            "Resolved",
            "Mean hours to resolve",
            "Median hours to resolve",
            "Mean hours to acknowledge",
            "Not acknowledged",
        ]
    )
    # MTTR (column 1) and MTTA (column 3): hours apart by priority, not one figure for all
    assert _hours(table, "2 - High", 1) * 3 < _hours(table, "4 - Low", 1)
    assert _hours(table, "2 - High", 3) * 3 < _hours(table, "4 - Low", 3)

    index.get_by_role("link", name=f"Own page: {RESOLUTION}").click()
    page.wait_for_load_state("load")
    heading(page, "Reports")
    no_error_on_page(page)
    assert page.url.split("?")[0].endswith("/reports/resolution-time/")
    expect(page.locator("main table")).to_have_count(1)
    expect(index.locator('[aria-current="page"]')).to_have_text(f"Own page: {RESOLUTION}")

    # from one report's page to another's: the catalogue's fulfilled requests
    requests = "Fulfilled service requests"
    index.get_by_role("link", name=f"Own page: {requests}").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    fulfilled = page.get_by_role("table", name=requests)
    expect(page.locator("main table")).to_have_count(1)
    # the row's first figure (its heading): the demo's requests fulfilled in 12 weeks
    assert int(fulfilled.locator("tbody th").first.inner_text()) >= 2

    # the filter of a report's own page keeps to that report (it opened all ten)
    end = dt.date.today()
    start = end - dt.timedelta(days=90)
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("To", exact=True).fill(end.isoformat())
    page.get_by_role("combobox", name="Team").select_option(label="Workplace")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    assert "/reports/requests/?" in page.url
    assert f"start={start}" in page.url
    expect(page.locator("main table")).to_have_count(1)
    expect(fulfilled).to_be_visible()
