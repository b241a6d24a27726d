"""The change list page: queues, filters, htmx rows, paging and its query count."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.changes.conftest import (
    HIGH,
    client_for,
    in_authorisation,
)

pytestmark = pytest.mark.django_db


def test_list_shows_the_agents_changes_with_risk_badges(web, new_change):
    new_change(title="Patch the mail relay", risk_answers=HIGH)

    page = web.get("/changes/?queue=mine")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Patch the mail relay" in text
    assert re.search(r'class="risk risk-high">High risk<', text)


def test_list_filters_by_risk_and_htmx_returns_only_rows(web, new_change):
    new_change(title="Risky one", risk_answers=HIGH)
    new_change(title="Harmless one")

    page = web.get("/changes/?queue=all&risk=high&partial=1", HTTP_HX_REQUEST="true")

    assert b"<html" not in page.content
    assert b"Risky one" in page.content
    assert b"Harmless one" not in page.content


def test_list_queue_awaiting_my_approval(agent_actor, new_change, cm_user):
    waiting = in_authorisation(agent_actor, new_change(title="Needs the CM"))
    new_change(title="Still a draft")

    page = client_for(cm_user).get("/changes/?queue=awaiting")

    assert waiting.number.encode() in page.content
    assert b"Still a draft" not in page.content


def test_list_with_an_unknown_filter_value_is_a_4xx_not_a_500(web):
    page = web.get("/changes/?queue=all&status=bogus")

    assert page.status_code == 422
    assert b"unknown value" in page.content


def test_list_pages_with_a_cursor(web, new_change):
    for i in range(3):
        new_change(title=f"Paged {i}")

    first = web.get("/changes/?queue=all&limit=2").content.decode()
    cursor = re.search(r"cursor=([^&\"]+)", first)[1]
    rest = web.get(f"/changes/?queue=all&limit=2&cursor={cursor}").content.decode()

    assert first.count("Paged ") == 2
    assert rest.count("Paged ") == 1
    assert {"Paged 0", "Paged 1", "Paged 2"} == set(re.findall(r"Paged \d", first + rest))


def test_list_query_count_does_not_grow_with_the_rows(web, new_change, stack):
    def count(n: int) -> int:
        for _ in range(n):
            new_change(cis=[stack["server"].number], team=None)
        # warm: the first read fills the per-process session and user caches
        web.get("/changes/?queue=all")
        with CaptureQueriesContext(connection) as ctx:
            assert web.get("/changes/?queue=all").status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(12)


def _current_tab(html: str) -> str:
    return re.search(r'<a href="\?queue=(\w+)" aria-current="page"', html)[1]


def test_a_change_manager_opens_the_list_on_what_awaits_their_approval(
    agent_actor, new_change, cm_user
):
    waiting = in_authorisation(agent_actor, new_change(title="Needs the CM"))

    html = client_for(cm_user).get("/changes/").content.decode()

    # the defect: the change manager's list opened on "Mine", empty
    assert _current_tab(html) == "awaiting"
    assert waiting.number in html
    assert '<a href="?queue=mine"' in html  # still one click away, at its own address


def test_a_change_manager_with_nothing_to_decide_opens_the_list_on_all(new_change, cm_user):
    new_change(title="Someone else's draft")

    html = client_for(cm_user).get("/changes/").content.decode()

    assert _current_tab(html) == "all"
    assert "Someone else&#x27;s draft" in html


def test_another_agent_still_opens_the_list_on_their_own_changes(web, agent_actor, new_change):
    in_authorisation(agent_actor, new_change(title="Needs the CM"))

    assert _current_tab(web.get("/changes/").content.decode()) == "mine"


def test_the_default_lists_next_page_names_the_queue_it_opened_on(new_change, cm_user):
    """Opened with no tab asked, the list's next page stays on the tab it opened on, even if
    the default moves between the two (an approval arriving turns "All" into "Awaiting")."""
    new_change(title="First draft")
    new_change(title="Second draft")

    html = client_for(cm_user).get("/changes/?limit=1").content.decode()

    assert _current_tab(html) == "all"
    nxt = re.search(r'<a class="button" rel="next" href="([^"]+)"', html)[1]
    assert "queue=all" in nxt
    assert "cursor=" in nxt
