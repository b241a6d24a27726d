"""The problem list's filter schema, as the API and the list page both read it."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from steward.problems.filters import PAGE_DEFAULTS, ProblemFilters, parse_query


def test_a_page_without_a_query_string_opens_the_open_queue_and_filters_nothing():
    filters, errors = parse_query(QueryDict(""), defaults=PAGE_DEFAULTS)

    assert errors == {}
    assert filters.dict() == ProblemFilters(queue="open").dict()
    assert (filters.status, filters.priority, filters.team, filters.q) == ([], [], "", "")


def test_the_filter_bar_in_its_default_state_means_any():
    # what the page's form sends before anyone picks anything: every select on "Any …"
    query = QueryDict("queue=open&q=&status=&priority=&team=&partial=1")

    filters, errors = parse_query(query, defaults=PAGE_DEFAULTS)

    assert errors == {}
    assert (filters.queue, filters.status, filters.priority, filters.team) == ("open", [], [], "")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("queue=", {"queue": "all"}, id="empty-queue-is-everything"),
        pytest.param("status=&status=new", {"status": ["new"]}, id="empty-status-dropped"),
        pytest.param("priority=&priority=2", {"priority": [2]}, id="empty-priority-dropped"),
        pytest.param("known_error=", {"known_error": None}, id="empty-known-error-is-any"),
        pytest.param("cursor=&limit=", {"cursor": None, "limit": None}, id="empty-paging"),
        pytest.param("priority=1&priority=5", {"priority": [1, 5]}, id="priorities-as-numbers"),
    ],
)
def test_empty_values_mean_any(query, expected):
    filters, errors = parse_query(QueryDict(query))

    assert errors == {}
    assert {name: getattr(filters, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        pytest.param("queue=nope", "queue", "unknown value 'nope': one of", id="queue"),
        pytest.param("status=new&status=nope", "status", "unknown value 'nope'", id="status"),
        pytest.param("priority=9", "priority", "between 1 (critical) and 5", id="priority-range"),
        pytest.param("priority=abc", "priority", "between 1 (critical) and 5", id="priority-text"),
        # int() reads Arabic-Indic digits; a filter must not
        pytest.param("priority=%D9%A1", "priority", "between 1 (critical)", id="priority-digits"),
        pytest.param("known_error=maybe", "known_error", "true or false", id="known-error"),
    ],
)
def test_an_unknown_value_is_refused_naming_its_field(query, field, message):
    filters, errors = parse_query(QueryDict(query + "&q=vpn"), defaults=PAGE_DEFAULTS)

    assert list(errors) == [field]
    assert message in errors[field][0]
    # the other filters are still read, so the page shows what was asked
    assert filters.q == "vpn"
