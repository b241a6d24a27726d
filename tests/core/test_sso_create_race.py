"""A first sign-in whose chosen username another person's racing sign-in takes between the
check and the insert: a fresh name is chosen, not a 500 (the identity's own race, a second
tab, finds the person the other tab made)."""

from __future__ import annotations

import pytest

from steward.core.models import User
from steward.core.services import sso
from tests import factories

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.com"


@pytest.fixture
def new_users(settings):
    settings.OIDC_NEW_USERS = "create"
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_EMAIL_VERIFIED_CLAIM = "email_verified"


def claims(sub: str) -> dict:
    return {"sub": sub, "preferred_username": "jsmith", "email_verified": False}


def test_a_username_taken_by_a_racing_sign_in_is_chosen_again(new_users, monkeypatch):
    factories.requester(username="jsmith")
    chosen = iter(["jsmith"])  # the name was free when checked; the other sign-in took it
    real = sso._free_username
    monkeypatch.setattr(sso, "_free_username", lambda c, e: next(chosen, None) or real(c, e))
    user = sso.sso_sign_in(issuer=ISSUER, claims=claims("b-2"))
    assert user.username == "jsmith-2"
    assert (user.sso_issuer, user.sso_subject) == (ISSUER, "b-2")


def test_the_same_identitys_racing_sign_in_finds_the_person_it_made(new_users):
    """The other tab made and linked the person after this one looked for the identity: the
    link's unique identity refuses a second person, and the first is the answer."""
    first = sso.sso_sign_in(issuer=ISSUER, claims=claims("a-1"))
    assert sso._create_once(claims("a-1"), "", False, ISSUER) == first
    assert User.objects.filter(sso_subject="a-1").count() == 1


def test_a_name_taken_every_time_is_refused_with_a_message_not_a_500(new_users, monkeypatch):
    factories.requester(username="jsmith")
    monkeypatch.setattr(sso, "_free_username", lambda c, e: "jsmith")
    with pytest.raises(sso.SignInRefused) as refused:
        sso.sso_sign_in(issuer=ISSUER, claims=claims("c-3"))
    assert refused.value.reason == "create_raced"
