"""Pages work under the Content-Security-Policy: the Django admin (signed in through the one
login), the API's docs, and the change calendar's team filter, which submits on change from
static JavaScript. The ``page`` fixture fails any test on a CSP violation in the console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.core.choices import Role
from tests import factories
from tests.browser.test_shell import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_would_be_refused_and_reported(page):
    page.goto("/login/")
    # an injected inline script, as a stored XSS would put one into the page
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
        }"""
    )

    assert page.evaluate("window.inlineRan === undefined")
    expect(page.locator("body")).to_be_visible()
    assert page.csp_violations, "the browser should report the refused script"
    page.csp_violations.clear()  # expected here; any other test fails on one


def test_staff_sign_in_to_the_admin_through_the_one_login(page):
    factories.admin(username="op", is_staff=True, is_superuser=True)

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Fadmin%2F"))
    page.get_by_label("Username").fill("op")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Users").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("user")


def test_the_api_docs_render_under_the_policy(page):
    factories.agent(username="ada")
    page.goto("/login/?next=/api/docs")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # the server builds the 600 KB document on its first ask and the browser then parses
    # it: 2.8 s here on a quiet machine, over 10 s under CI's load (four workers, 2 cores)
    heading = page.get_by_role("heading", name=re.compile(r"^Steward API"))
    expect(heading).to_be_visible(timeout=30_000)
    # the tags come folded (docs "none"); opening one draws its operations
    expect(page.locator(".opblock")).to_have_count(0)
    page.get_by_role("link", name="incidents", exact=True).click()
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_calendar_team_filter_submits_on_change(page):
    factories.UserFactory(username="cab", roles=[Role.AGENT])
    factories.TeamFactory(name="Network", slug="network")
    page.goto("/login/?next=/changes/calendar/")
    page.get_by_label("Username").fill("cab")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/changes/calendar/"))
    page.wait_for_load_state("load")

    page.get_by_label("Team").select_option("network")

    expect(page).to_have_url(re.compile(r"team=network"))
