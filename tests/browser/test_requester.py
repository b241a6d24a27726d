"""The requester's day one in a real browser: "My incidents", a problem reported by typing and
choosing a category then its subcategory, the new incident at the top of her list, a reply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.catalog.services import item_create, request_order
from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_requester_reports_a_problem_finds_it_first_and_replies(page):
    admin = factories.admin(username="boss")
    desk = team_create(as_actor(admin), name="Service Desk", slug="service-desk")
    carol = factories.requester(username="carol", first_name="Carol", last_name="Caller")
    older = incident_create(as_actor(carol), title="Old urgent printer jam", impact=1, urgency=1)

    sign_in(page, "carol")
    assert_accessible(page)
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="My incidents").click()
    expect(page.get_by_role("heading", name="My incidents")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Report a problem").click()

    expect(page.get_by_role("heading", name="Report a problem")).to_be_visible()
    expect(page.get_by_label("Impact")).to_have_count(0)
    page.get_by_label("Title").fill("VPN drops every ten minutes")
    page.get_by_label("What happened").fill("Since this morning, at home and in the office.")
    subcategory = page.get_by_label("Subcategory")
    expect(subcategory.locator("option")).to_have_count(1)  # nothing until a category
    category = page.get_by_label("Category", exact=True)
    category.focus()
    page.keyboard.type("Network")  # the keyboard alone: type-ahead picks it, htmx narrows
    expect(category).to_have_value("network")
    expect(subcategory.locator("option", has_text="VPN")).to_have_count(1)
    expect(subcategory.locator("option", has_text="Laptop")).to_have_count(0)
    expect(category).to_be_focused()  # the swap leaves her where she was
    page.keyboard.press("Tab")
    expect(subcategory).to_be_focused()
    subcategory.select_option(label="VPN")
    assert_accessible(page)
    page.get_by_role("button", name="Report it").click()

    incident = Incident.objects.get(title="VPN drops every ten minutes")
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))
    assert (incident.subcategory.slug, incident.team, incident.priority) == (
        "network-vpn",
        desk,
        5,
    )
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="My incidents").click()
    rows = page.get_by_role("row").filter(has=page.get_by_role("link"))
    expect(rows.first).to_contain_text("VPN drops every ten minutes")
    expect(rows.first).to_contain_text("Assigned")
    expect(rows.nth(1)).to_contain_text(older.title)

    rows.first.get_by_role("link", name=incident.number).click()
    expect(page.get_by_role("heading", name=re.compile("VPN drops"))).to_be_visible()
    expect(page.get_by_text("Work it")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Add a comment").fill("It dropped again at 10:15.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline")).to_contain_text("It dropped again at 10:15.")
    assert_accessible(page)


def test_a_request_reads_on_a_phone_without_scrolling_sideways(page):
    """On a 390 px phone the request's facts ran off the right edge (walk29): the label
    column took the width of its longest question ("Why do you need the performance
    model?") and pushed every answer past the screen."""
    admin = factories.admin(username="boss")
    factories.TeamFactory(name="Desk", slug="desk", members=[])
    requester = factories.requester(username="rita", first_name="Rita", last_name="Requester")
    item_create(
        as_actor(admin),
        name="New laptop",
        slug="new-laptop",
        category="Hardware",
        form=[
            {
                "key": "model",
                "label": "Model",
                "type": "choice",
                "required": True,
                "choices": ["Standard 14 inch", "Performance 16 inch"],
            },
            {
                "key": "reason",
                "label": "Why do you need the performance model?",
                "type": "text",
                "required": True,
            },
        ],
        approval_stages=[],
        task_templates=[{"title": "Prepare", "team": "desk"}],
    )
    req = request_order(
        as_actor(requester),
        item="new-laptop",
        answers={"model": "Performance 16 inch", "reason": "CAD drawings for the new plant"},
    )

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "rita", path=f"/catalog/requests/{req.number}/")
    expect(page.get_by_role("heading", name=re.compile(req.number))).to_be_visible()
    answer = page.get_by_text("CAD drawings for the new plant")
    expect(answer).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = answer.bounding_box()
    assert box["x"] + box["width"] <= 390
    assert_accessible(page)
