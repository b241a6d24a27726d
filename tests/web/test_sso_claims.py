"""Single sign-on against odd but signed answers of the provider: text no database keeps in
the ID token's claims (a NUL, a lone surrogate from a JSON escape), and a discovery document
whose lists are not lists. A refused sign-in or the provider's error page, never a 500."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from joserfc import jws

from steward.core.models import User
from tests.fake_idp import CLIENT_ID, FakeIdP
from tests.web import test_sso
from tests.web.test_sso import ADA, sign_in, signed_in_as, start

idp = test_sso.idp  # the fake provider, as the flow's tests set it up

pytestmark = pytest.mark.django_db


def escaped_token(idp: FakeIdP, issued, claims: dict) -> str:
    """An ID token signed by the provider whose JSON escapes what ``claims`` hold (the fake
    provider's own encoder writes UTF-8, which a lone surrogate cannot be)."""
    now = int(time.time())
    body = {"iss": idp.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
            "nonce": issued.nonce, **claims}  # fmt: skip
    header = {"alg": "RS256", "kid": idp.key.kid}
    return jws.serialize_compact(header, json.dumps(body).encode(), idp.key, ["RS256"])


def sign_in_escaped(client: Client, idp: FakeIdP, claims: dict):
    idp.id_token = lambda issued: escaped_token(idp, issued, claims)  # type: ignore[method-assign]
    return sign_in(client, idp, {})


@pytest.mark.parametrize("subject", ["2482\x0089", "2482\ud80089"], ids=["nul", "surrogate"])
def test_a_subject_no_database_keeps_signs_no_one_in(client, idp, subject):
    response = sign_in_escaped(client, idp, {**ADA, "sub": subject})

    assert response.status_code == 400, response.content[:300]
    assert b"could not be verified" in response.content
    assert signed_in_as(client) is None
    assert not User.objects.filter(email=ADA["email"]).exists()


@pytest.mark.parametrize("odd", ["\x00", "\ud800"], ids=["nul", "surrogate"])
def test_names_are_kept_without_what_no_database_keeps(client, idp, odd):
    person = {**ADA, "given_name": f"A{odd}da", "family_name": f"Love{odd}lace"}

    response = sign_in_escaped(client, idp, person)

    assert response.status_code == 302, response.content[:300]
    user = User.objects.get(sso_subject=ADA["sub"])
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert signed_in_as(client) == user.username


@pytest.mark.parametrize(
    "change",
    [
        {"id_token_signing_alg_values_supported": 5},
        {"token_endpoint_auth_methods_supported": 5},
        {"token_endpoint_auth_methods_supported": {"client_secret_basic": True}},
    ],
    ids=["algs-number", "methods-number", "methods-object"],
)
def test_a_discovery_document_whose_lists_are_not_lists_is_the_error_page(client, idp, change):
    idp.discovery = lambda: {**FakeIdP.discovery(idp), **change}  # type: ignore[method-assign]

    response = start(client)

    assert response.status_code == 502
    assert b"could not be reached" in response.content
