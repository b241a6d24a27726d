"""In a real browser: a person who forgot their password asks for a link on the sign-in page,
follows the mailed link, chooses a new password and signs in with it; a change manager's home
page shows the approval waiting for them. Every page is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.changes import services as change_services
from steward.core.choices import Role
from steward.core.models import OutgoingMail
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.changes.conftest import PLANS, in_authorisation
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "river-lantern-quartz-81"


def test_a_person_resets_a_forgotten_password_from_the_mailed_link(page):
    factories.agent(username="ada", email="ada@example.com", first_name="Ada")

    page.goto("/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    assert_accessible(page)

    mail = OutgoingMail.objects.get(kind="password_reset", recipient="ada@example.com")
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/set-password/$"))  # the token left the address bar
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Good to see you, Ada")).to_be_visible()

    page.goto(link)  # the link worked once
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert_accessible(page)


def test_a_change_manager_sees_the_approval_waiting_on_the_home_page(page):
    agent = factories.agent(username="raj")
    factories.UserFactory(username="mia", first_name="Mia", roles=[Role.CHANGE_MANAGER, Role.AGENT])
    change = change_services.change_create(
        as_actor(agent), title="Upgrade the VPN concentrator", **PLANS
    )
    in_authorisation(as_actor(agent), change)

    sign_in(page, "mia")
    approvals = page.get_by_role("region", name="Approvals waiting for you")
    expect(approvals).to_contain_text(f"{change.number} · Upgrade the VPN concentrator")
    expect(page.get_by_role("region", name="Waiting for the CAB")).to_contain_text(change.number)
    assert_accessible(page)
    approvals.get_by_role("link", name=re.compile(change.number)).click()
    expect(page).to_have_url(re.compile(rf"/changes/{change.number}/$"))
