"""The incident list's filters: one schema read by the API and the queue page alike; an
empty value means "any"; an unknown one is a 422 naming the field in the API and a message
beside the field on the page (full page and htmx swap alike), never an error page."""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from steward.incidents.services import incident_create, search_index
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agent_actor):
    return [
        incident_create(agent_actor, title="VPN is down", impact=1, urgency=1),
        incident_create(agent_actor, title="Printer jams"),
    ]


def titles(content: bytes) -> list[str]:
    """The titles in the rows, top to bottom (the cell before the status badge)."""
    return re.findall(r"<td>([^<]+)</td>\s*<td><span class=\"status ", content.decode())


def errors_beside(content: bytes) -> dict[str, str]:
    """The message shown beside each filter of the bar, by the filter's name."""
    shown = {}
    for message in elements(content, "span", **{"class": "error"}):
        [field] = [
            e.attrs["name"]
            for e in elements(content)
            if e.tag in ("input", "select") and message.ancestors[-1] in e.ancestors
        ]
        shown[field] = text_of(message)
    return shown


@pytest.mark.parametrize("empty", ["status", "priority", "team", "order", "q", "breached"])
def test_an_empty_filter_means_any_in_the_api(agent_api, two, empty):
    response = agent_api.get("/api/v1/incidents", {"queue": "open", empty: ""})

    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "bogus", "unknown status 'bogus'"),
        ("priority", "7", "between 1 (critical) and 5 (planning)"),
        ("order", "colour", "one of priority, -opened_at, opened_at, -updated_at"),
        ("queue", "bogus", "one of mine, my_teams, unassigned, breaching, major, open, all"),
    ],
)
def test_an_unknown_filter_value_is_a_422_naming_the_field(agent_api, field, value, message):
    response = agent_api.get("/api/v1/incidents", {field: value})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {field: [message]}


def test_the_queue_searches_from_its_default_state(web, two):
    search_index.reindex([i.pk for i in two])  # the worker's job after commit
    # what the page's form sends untouched, with words typed into the search box
    query = {
        "queue": "open",
        "q": "vpn",
        "status": "",
        "priority": "",
        "team": "",
        "order": "priority",
    }

    page = web.get("/incidents/", query)
    rows = web.get("/incidents/", {**query, "partial": "1"}, HTTP_HX_REQUEST="true")

    for response in (page, rows):
        assert response.status_code == 200
        assert titles(response.content) == ["VPN is down"]
        assert 'role="alert"' not in response.content.decode()


def test_an_unknown_status_on_the_page_is_named_beside_the_field(web, two):
    page = web.get("/incidents/", {"queue": "open", "status": "bogus"})

    assert page.status_code == 200
    assert errors_beside(page.content) == {"status": "Status: unknown value 'bogus'"}
    assert titles(page.content) == ["VPN is down", "Printer jams"]  # the rest still applies


def test_an_unknown_filter_in_the_htmx_swap_is_shown_beside_the_field(web, two):
    rows = web.get(
        "/incidents/",
        {"queue": "open", "status": "bogus", "priority": "1", "partial": "1"},
        HTTP_HX_REQUEST="true",
    )
    content = rows.content.decode()

    assert rows.status_code == 200
    assert "<h1>" not in content  # the bar and the rows, not a page inside the table
    assert "<html" not in content
    assert titles(rows.content) == ["VPN is down"]
    # the bar comes back with the rows: the message beside its field, none beside the others
    assert errors_beside(rows.content) == {"status": "Status: unknown value 'bogus'"}
    fixed = web.get(
        "/incidents/", {"queue": "open", "priority": "1", "partial": "1"}, HTTP_HX_REQUEST="true"
    )
    assert errors_beside(fixed.content) == {}


def test_a_filter_the_page_has_no_field_for_is_named_above_them(web, two):
    page = web.get("/incidents/", {"queue": "open", "breaching_within": "999999"})

    assert page.status_code == 200
    [other] = elements(page.content, "div", id="filter-errors-other")
    assert text_of(other).startswith("breaching_within: minutes")
    assert errors_beside(page.content) == {}
    assert len(titles(page.content)) == 2


def test_every_field_of_the_filter_bar_is_a_filter_of_the_api_schema():
    from steward.incidents.filters import IncidentFilters
    from steward.incidents.forms import QueueFilterForm

    assert set(QueueFilterForm().fields) <= set(IncidentFilters.model_fields)
    # and the choices the bar offers are the values the schema accepts
    form = QueueFilterForm()
    for name in ("status", "priority", "order"):
        offered = [value for value, _ in form.fields[name].widget.choices]
        for value in offered:
            _, errors = IncidentFilters.from_query(QueryDict(urlencode({name: value})))
            assert errors == {}, (name, value)
