"""The index above the reports: every report's place on the reports page and its own page,
named for a screen reader, with the period and team as read."""

from __future__ import annotations

from steward.reports.choices import ReportName
from steward.reports.selectors import REPORTS
from tests.reports.conftest import PERIOD
from tests.web.html import elements, text_of

QUERY = "start=2026-01-05&end=2026-02-01"


def index_links(html: str) -> list[tuple[str, str, dict[str, str]]]:
    """The index's links: (accessible text, address, attributes), in order."""
    page = elements(html)
    [nav] = [
        e for e in page if e.tag == "nav" and e.attrs.get("aria-labelledby") == "report-index-title"
    ]
    [title] = elements(html, "h2", id="report-index-title")
    assert text_of(title) == "Report index"
    return [
        # a link's accessible name: its label where it has one
        (a.attrs.get("aria-label") or text_of(a), a.attrs["href"], a.attrs)
        for a in page
        if a.tag == "a" and any(ancestor is nav for ancestor in a.ancestors)
    ]


def test_the_reports_page_opens_with_an_index_of_its_reports(world, client):
    client.force_login(world.lead)
    html = client.get("/reports/", PERIOD).content.decode()
    links = index_links(html)
    assert len(links) == 2 * len(REPORTS)
    for (place, section, _), (own, page, attrs), name in zip(
        links[::2], links[1::2], REPORTS, strict=True
    ):
        title = str(ReportName(name).label)
        # the title leads to the report below, which is there under that id
        assert (place, section) == (title, f"#report-{name}")
        assert f'<section class="report" id="report-{name}"' in html
        # its own page keeps the period, and says whose page it is to a screen reader (the
        # words shown first: ten links read "Own page")
        assert own == f"Own page: {title}"
        assert text_of(next(a for a in elements(html, "a") if a.attrs.get("href") == page)) == (
            "Own page"
        )
        assert page == f"/reports/{name}/?{QUERY}"
        assert "aria-current" not in attrs
    # the index comes before the first report
    assert html.index('id="report-index-title"') < html.index('<section class="report"')
    # a refused period reads no report: no index of reports not shown
    refused = client.get("/reports/", {"start": "2026-02-30"}).content.decode()
    assert "report-index" not in refused


def test_each_own_page_is_that_report_alone_with_the_index_to_the_others(world, client):
    client.force_login(world.lead)
    html = client.get("/reports/", PERIOD).content.decode()
    pages = [(own, page) for own, page, _ in index_links(html)[1::2]]
    for (own, page), name in zip(pages, REPORTS, strict=True):
        answer = client.get(page)
        assert answer.status_code == 200, page
        alone = answer.content.decode()
        [caption] = elements(alone, "caption")
        assert f"Own page: {text_of(caption)}" == own
        links = index_links(alone)
        # the way to every other report's page, and to each on the reports page
        assert len(links) == 2 * len(REPORTS) - 1
        assert page not in [href for _, href, _ in links]
        [current] = [
            e
            for e in elements(alone, None, **{"aria-current": "page"})
            if e.inside("nav", **{"aria-labelledby": "report-index-title"})
        ]
        assert text_of(current) == own  # not a link: the page it is on
        # a title leads back to its report on the reports page, period kept
        assert links[0][1] == f"/reports/?{QUERY}#report-{next(iter(REPORTS))}"
        # the filter stays on this page (it opened the reports page, every report)
        [form] = elements(alone, "form", id="report-filters")
        assert form.attrs["action"] == f"/reports/{name}/"


def test_a_change_managers_index_names_the_one_report_shown(world, client):
    """A change manager naming a team not hers reads that team's changes report alone
    (docs/reports.md): the index lists that one."""
    from steward.core.choices import Role
    from tests import factories

    manager = factories.UserFactory(roles=[Role.AGENT, Role.CHANGE_MANAGER], username="cm")
    client.force_login(manager)
    html = client.get("/reports/", {**PERIOD, "team": "bravo"}).content.decode()
    links = index_links(html)
    assert [href for _, href, _ in links] == [
        "#report-changes",
        f"/reports/changes/?{QUERY}&team=bravo",
    ]
