"""The requester (alice, an employee): her incidents, reporting one, following it up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, open_module, shot, sign_in

pytestmark = [pytest.mark.browser]


def test_home_shows_her_open_incidents(page):
    sign_in(page, "alice")
    heading(page, "Good to see you, Alice")
    expect(page.get_by_role("heading", name="Your open incidents")).to_be_visible()
    shot(page, "requester", "home")
    open_module(page, "My incidents")
    heading(page, "My incidents")
