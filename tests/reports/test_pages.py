"""The reports page, one report's CSV, and the statements a report costs."""

from __future__ import annotations

import csv
import io
import re

import pytest

from steward.reports.choices import ReportName
from steward.reports.selectors import REPORTS, Column, Table
from steward.reports.views.reports import shown
from tests.conftest import api_client_for
from tests.factories import records
from tests.query_counts import grows
from tests.reports.conftest import PERIOD, at, in_period
from tests.web.html import elements, text_of


def test_the_top_bar_opens_reports_for_agents(world, client):
    client.force_login(world.lead)
    home = client.get("/").content.decode()
    assert 'href="/reports/"' in home
    page = client.get("/reports/", PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    for name in REPORTS:
        assert f'id="report-{name}"' in html
        assert f'href="/reports/{name}.csv?start=2026-01-05&amp;end=2026-02-01"' in html
    assert html.count("<caption") == len(REPORTS)
    assert '<th scope="col"' in html
    assert '<th scope="row"' in html
    assert re.search(r'class="bar" style="width:100%"', html)
    assert 'value="2026-01-05"' in html
    assert '<option value="alpha"' in html
    assert '<option value="bravo"' not in html  # not the lead's team


def test_a_percentage_bar_is_a_share_of_100_not_of_the_best_row():
    """A manager read the full bar beside "50.0" under "Resolution met %" as all met: a
    percentage's bar is drawn against 100 %, a count's against the column's largest."""
    table = Table(
        ReportName.SLA,
        "SLA",
        "",
        [
            Column("month", "Month"),
            Column("resolution_percent", "Resolution met %", bar=True, share=True),
            Column("resolved", "Resolved", bar=True),
        ],
        [
            {"month": "2026-01", "resolution_percent": 50.0, "resolved": 4},
            {"month": "2026-02", "resolution_percent": 25.0, "resolved": 2},
            {"month": "2026-03", "resolution_percent": None, "resolved": 0},
        ],
    )
    rows = shown(table)["rows"]
    assert [row[1][1] for row in rows] == [50, 25, 0]
    assert [row[2][1] for row in rows] == [100, 50, 0]


def test_words_are_left_aligned_and_figures_right(world, client):
    """The priority beside the SLA report's month, the satisfaction report's team and a
    CI's name were right-aligned as if they were figures."""
    client.force_login(world.lead)
    html = client.get("/reports/", PERIOD).content.decode()

    def header(report: str, label: str):
        return next(
            e
            for e in elements(html, "th", scope="col")
            if e.inside("section", id=f"report-{report}") and text_of(e) == label
        )

    for report, label in (("sla-compliance", "Priority"), ("top-cis", "Name")):
        assert "number" not in header(report, label).attrs.get("class", ""), (report, label)
    assert "number" in header("sla-compliance", "Resolved").attrs["class"]
    sla_cells = [e for e in elements(html, "td") if e.inside("section", id="report-sla-compliance")]
    assert any(text_of(e) == "1 - Critical" and "class" not in e.attrs for e in sla_cells)


def test_a_bad_date_on_the_page_is_shown_beside_its_field(world, client):
    client.force_login(world.lead)
    page = client.get("/reports/", {"start": "2026-02-30"})
    assert page.status_code == 422
    assert 'class="filter invalid"' in page.content.decode()


def test_the_filters_button_says_what_it_does_once(world, client):
    """The Show button came after a visually hidden "Apply", which a screen reader read
    before it as a stray word of the form; the button alone names itself, by what it
    shows, and no other control of the page is named the same."""
    client.force_login(world.lead)
    html = client.get("/reports/", PERIOD).content
    form = [e for e in elements(html) if e.inside("form", id="report-filters")]
    hidden = [text_of(e) for e in form if "sr-only" in e.attrs.get("class", "").split()]
    assert hidden == []
    [button] = [e for e in form if e.tag == "button"]
    assert (button.attrs.get("type"), text_of(button)) == ("submit", "Show figures")
    names = [text_of(e) for e in elements(html) if e.tag in ("a", "button")]
    assert names.count("Show figures") == 1


def test_one_report_alone(world, client):
    client.force_login(world.lead)
    html = client.get("/reports/top-categories/", PERIOD).content.decode()
    assert html.count("<caption") == 1
    assert client.get("/reports/nothing/").status_code == 404


def test_the_csv_is_the_table_and_formula_safe(world, client):
    client.force_login(world.lead)
    response = client.get("/reports/top-categories.csv", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "top-categories-2026-01-05-2026-02-01.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    api = api_client_for(world.lead).get("/api/v1/reports/top-categories", PERIOD).json()
    assert lines[0] == [c["label"] for c in api["columns"]]
    shown = [
        ["'" + v if v.startswith("=") else v for v in map(str, r.values())] for r in api["rows"]
    ]
    assert lines[1:] == shown
    assert ["'=formula", "2"] in lines[1:]
    bad = client.get("/reports/top-categories.csv", {"end": "no"})
    assert bad.status_code == 422


@pytest.mark.parametrize("name", list(REPORTS))
def test_a_report_costs_a_fixed_number_of_statements(world, name):
    api = api_client_for(world.lead)
    added = iter(range(1, 1000))

    def add():
        n = next(added)
        day = 5 + n % 25
        incident = records.incident(world.lead, at(day), team=world.team_a, priority=1 + n % 5)
        incident.status, incident.resolved_at = "resolved", at(day, 20)
        incident.save()
        records.change(world.lead, at(day), team=world.team_a, closed_at=at(day, 20))
        records.problem(at(day), team=world.team_a)
        records.catalog_request(
            world.member, at(day), team=world.team_a, status="completed", closed_at=at(day, 20)
        )

    def read():
        return api.get(f"/api/v1/reports/{name}", {**PERIOD, "team": "alpha"})

    few, more = grows(add, read)
    assert few == more
    assert few <= 8


def test_the_reports_page_reads_german(world):
    from django.test import Client

    from tests.web.conftest import reads_german
    from tests.web.english_scan import english_words
    from tests.web.test_language_agents import AGENT

    reader = reads_german(world.lead)
    client = Client()
    client.force_login(reader)
    for url in ("/reports/", "/reports/?start=2026-02-30"):
        answer = client.get(url)
        assert answer["Content-Language"] == "de", url
        words = set(
            english_words(answer.content, AGENT | {"mean", "hours", "share", "week", "fulfilled"})
        )
        assert not words, (url, words)
        assert "Störungen" in answer.content.decode()


def test_weeks_months_and_the_period_read_as_dates_do(world, client):
    """Not Django's "Jan. 5, 2026" nor ISO's "2026-01" on the page: the house style of every
    other page (the CSV keeps ISO dates for spreadsheets)."""
    client.force_login(world.lead)
    html = client.get("/reports/", PERIOD).content.decode()
    assert "Figures from 5 Jan 2026 to 1 Feb 2026 (both days included)." in html
    assert '<th scope="row">5 Jan 2026</th>' in html  # the week of
    assert '<th scope="row">January 2026</th>' in html  # the SLA report's month
    assert not re.search(r"Jan\. 5|>2026-01<", html)
    csv_text = client.get("/reports/sla-compliance.csv", PERIOD).content.decode()
    assert "\n2026-01," in csv_text


def _figures(html: str, report: str) -> list[tuple[str, str]]:
    """The linked figures of one report on the page: each link's text and address."""
    links = elements(html, "a")
    return [
        (text_of(a), a.attrs["href"])
        for a in links
        if a.inside("section", id=f"report-{report}") and a.inside("tbody")
    ]


def test_a_figure_opens_the_incidents_behind_it(world, client):
    """A manager read "3" beside a CI or a category and had no way to the incidents it
    counts: the open figures and the top tables' figures now open them in the queue, and
    the queue names the period in the house style (it read "Jan. 5, 2026, midnight")."""
    client.force_login(world.admin)
    html = client.get("/reports/", PERIOD).content.decode()
    assert ("1", "/incidents/?queue=open&priority=2") in _figures(html, "backlog")
    web = [
        i
        for i in world.incidents
        if i.configuration_item and i.configuration_item.name == "rep-web"
    ]
    opened = {i.number for i in web if in_period(i.opened_at)}
    number = web[0].configuration_item.number
    [(figure, address)] = [(f, a) for f, a in _figures(html, "top-cis") if f"ci={number}&" in a]
    assert int(figure) == len(opened) > 0
    queue = client.get(address).content.decode()
    assert set(re.findall(r"INC\d+", queue)) & {i.number for i in world.incidents} == opened
    assert "Opened after 5 Jan 2026 00:00" in queue
    assert "Opened before 2 Feb 2026 00:00" in queue
    assert any("category=rep-net&queue=all" in a for _f, a in _figures(html, "top-categories"))

    client.force_login(world.lead)  # one team: her figures are that team's
    html = client.get("/reports/", PERIOD).content.decode()
    assert ("1", "/incidents/?queue=open&priority=3&team=alpha") in _figures(html, "backlog")
    cis = _figures(html, "top-cis")
    assert cis
    assert all("&team=alpha&" in a for _f, a in cis)
