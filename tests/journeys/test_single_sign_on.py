"""Single sign-on in the browser: a person with no Steward account clicks "Sign in with
Northwind ID" on the sign-in page, the identity provider (a fake one, a real HTTP server on
127.0.0.1 in this process, tests/fake_idp.py) signs them in at once and sends them back, and
they land on the help centre as a new requester; a second sign-in finds the same person.
Axe checks the sign-in page with the button (the page fixture checks every page).

The person (``sso.journey``) is no other journey's and is deactivated afterwards; the settings
are overridden for this test only (the live server runs in this process)."""

from __future__ import annotations

import re

import pytest
from django.test.utils import override_settings
from playwright.sync_api import expect

from steward.core import oidc
from steward.core.models import User
from tests.fake_idp import CLIENT_ID, CLIENT_SECRET, FakeIdP
from tests.journeys.steps import heading, no_error_on_page

pytestmark = [pytest.mark.browser]

PERSON = {
    "sub": "journey-sso-0001",
    "email": "sso.journey@northwind.example",
    "email_verified": True,
    "preferred_username": "sso.journey",
    "given_name": "Sam",
    "family_name": "Okafor",
}


def test_a_new_person_signs_in_with_the_organisations_provider(page, demo_site):
    with (
        FakeIdP().serve(PERSON) as idp,
        override_settings(
            OIDC_ISSUER=idp.issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_PROVIDER_NAME="Northwind ID",
            OIDC_NEW_USERS="create",
            BASE_URL=demo_site,
        ),
    ):
        oidc.forget()
        try:
            page.goto("/")
            expect(page).to_have_url(re.compile(r"/login/"))
            button = page.get_by_role("link", name="Sign in with Northwind ID")
            expect(button).to_be_visible()
            button.click()
            # the provider signs Sam in at once and sends the browser back
            expect(page).to_have_url(re.compile(r"/help/$"))
            heading(page, "Help centre")
            no_error_on_page(page)
            user = User.objects.get(sso_issuer=idp.issuer, sso_subject=PERSON["sub"])
            assert (user.username, user.email) == ("sso.journey", PERSON["email"])

            # signed out and in again: the same person, found by the subject
            page.get_by_role("button", name="Sign out").click()
            expect(page).to_have_url(re.compile(r"/login/"))
            page.get_by_role("link", name="Sign in with Northwind ID").click()
            expect(page).to_have_url(re.compile(r"/help/$"))
            assert User.objects.filter(sso_subject=PERSON["sub"]).count() == 1
            assert idp.calls.count("/realms/staff/.well-known/openid-configuration") == 1
        finally:
            oidc.forget()
            _remove(PERSON["sub"])


def _remove(subject: str) -> None:
    """Take the journey's person out of everyone's way (journeys that pick an active
    requester must not meet them): deactivated, no role. Not deleted: deleting a person
    rewrites the append-only audit log's actor column, which the log refuses."""
    for user in User.objects.filter(sso_subject=subject):
        user.groups.clear()
        user.is_active = False
        user.save(update_fields=["is_active"])
