"""Single sign-on with OpenID Connect against a fake provider in the test process (its HTTP
calls go through a requests transport adapter: no network): the flow, every check on the ID
token and the callback, who is signed in, throttling, open redirects and a provider that is
down."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.test import Client

from steward.core import oidc
from steward.core.choices import AuditAction, Role
from steward.core.models import AuditEntry, LoginFailure, OutgoingMail, User
from steward.core.services import user_update
from tests import factories
from tests.fake_idp import CLIENT_ID, CLIENT_SECRET, FakeIdP, rsa_key
from tests.web.conftest import PASSWORD, without_csrf
from tests.web.english_scan import english_words
from tests.web.html import elements

pytestmark = pytest.mark.django_db

ADDRESS = "10.9.0.1"
ADA = {
    "sub": "248289761001",
    "email": "ada@example.com",
    "email_verified": True,
    "preferred_username": "ada.l",
    "given_name": "Ada",
    "family_name": "Lovelace",
}


@pytest.fixture
def idp(settings):
    fake = FakeIdP()
    settings.OIDC_ISSUER = fake.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Keycloak"
    settings.OIDC_SCOPES = ["openid", "email", "profile"]
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_NEW_USERS = "create"
    settings.OIDC_EMAIL_VERIFIED_CLAIM = "email_verified"
    settings.OIDC_ADMINS_ONLY_SIGN_IN_BY_PASSWORD = False
    settings.OIDC_TIMEOUT = 3
    settings.BASE_URL = "http://testserver"
    oidc.use_transport(fake.adapter())
    yield fake
    oidc.use_transport(None)


def start(client: Client, *, next_: str | None = None, address: str = ADDRESS):
    url = "/login/sso/" + (f"?{urlencode({'next': next_})}" if next_ is not None else "")
    return client.get(url, REMOTE_ADDR=address)


def callback(client: Client, query: dict, *, address: str = ADDRESS):
    return client.get("/login/sso/callback/", query, REMOTE_ADDR=address)


def sign_in(client: Client, idp: FakeIdP, person: dict, **kw):
    """The whole round: Steward's redirect, the provider's sign-in, the callback."""
    response = start(client, **kw)
    assert response.status_code == 302, response.content[:300]
    return callback(client, idp.authorize(response.url, person))


def signed_in_as(client: Client) -> str | None:
    response = client.get("/profile/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user.username


# --- the happy path -------------------------------------------------------------------------


def test_first_sign_in_creates_a_requester_and_lands_on_the_help_centre(client, idp):
    response = sign_in(client, idp, ADA)

    assert response.status_code == 302
    assert response.url == "/help/"
    user = User.objects.get(sso_issuer=idp.issuer, sso_subject=ADA["sub"])
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "ada.l",
        "ada@example.com",
        "Ada",
        "Lovelace",
    )
    assert user.role_names == {Role.REQUESTER}
    assert not user.has_usable_password()
    assert signed_in_as(client) == "ada.l"
    entries = AuditEntry.objects.filter(object_id=str(user.pk)).order_by("pk")
    assert [e.action for e in entries] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.SIGN_IN,
    ]
    assert entries[1].changes["sso_subject"] == ["", ADA["sub"]]
    assert entries[2].changes["method"] == [None, "oidc"]
    assert entries[2].changes["matched_by"] == [None, "created"]
    assert entries[2].actor_label == "ada.l"


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(client, idp):
    response = start(client)
    query = parse_qs(urlsplit(response.url).query)

    assert query["redirect_uri"] == ["http://testserver/login/sso/callback/"]
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert query["state"] != query["nonce"]
    # the fake provider checks the verifier against this challenge at the token endpoint
    assert callback(client, idp.authorize(response.url, ADA)).status_code == 302
    # and every call had a timeout
    assert all(t == 3 for t in idp_adapter_timeouts())


def idp_adapter_timeouts() -> list:
    return oidc.transport.timeouts  # type: ignore[union-attr]


def test_later_sign_ins_match_the_subject_not_the_email(client, idp):
    sign_in(client, idp, ADA)
    client.logout()

    changed = {**ADA, "email": "ada.new@example.com", "preferred_username": "someone"}
    response = sign_in(Client(), idp, changed)

    assert response.status_code == 302
    assert User.objects.filter(sso_subject=ADA["sub"]).count() == 1
    assert not User.objects.filter(email="ada.new@example.com").exists()
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_IN).order_by("pk").last()
    assert entry.changes["matched_by"] == [None, "subject"]


def test_a_verified_email_links_the_existing_person_once(client, idp):
    agent = factories.agent(username="ada", email="Ada@Example.com")

    response = sign_in(client, idp, ADA)

    assert response.status_code == 302
    assert response.url == "/"  # an agent's front door
    agent.refresh_from_db()
    assert (agent.sso_issuer, agent.sso_subject) == (idp.issuer, ADA["sub"])
    assert signed_in_as(client) == "ada"
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


def test_an_unverified_email_links_no_one(client, idp):
    agent = factories.agent(username="ada", email="ada@example.com")

    response = sign_in(client, idp, {**ADA, "email_verified": False})

    assert response.status_code == 403
    assert b"not verified" in response.content
    agent.refresh_from_db()
    assert agent.sso_subject == ""
    assert signed_in_as(client) is None
    assert not User.objects.filter(sso_subject=ADA["sub"]).exists()
    assert LoginFailure.objects.filter(address=ADDRESS).count() == 1


@pytest.mark.parametrize("verified", [False, None, "false"], ids=["false", "absent", "string"])
def test_a_new_person_with_an_unverified_email_is_created_without_it(client, idp, verified):
    response = sign_in(client, idp, {**ADA, "email_verified": verified})

    assert response.status_code == 302
    user = User.objects.get(sso_subject=ADA["sub"])
    assert user.email == ""


def test_entra_ids_verified_email_claim_can_be_named(client, idp, settings):
    settings.OIDC_EMAIL_VERIFIED_CLAIM = "xms_edov"
    agent = factories.agent(username="ada", email="ada@example.com")
    entra = {k: v for k, v in ADA.items() if k != "email_verified"}

    assert sign_in(Client(), idp, {**entra, "xms_edov": False}).status_code == 403
    assert sign_in(client, idp, {**entra, "xms_edov": True}).status_code == 302

    agent.refresh_from_db()
    assert agent.sso_subject == ADA["sub"]


def test_refusing_new_people(client, idp, settings):
    settings.OIDC_NEW_USERS = "refuse"

    response = sign_in(client, idp, ADA)

    assert response.status_code == 403
    assert b"no Steward account" in response.content
    assert not User.objects.filter(sso_subject=ADA["sub"]).exists()


def test_a_taken_username_gets_a_number(client, idp):
    factories.requester(username="ada.l", email="other@example.com")
    sign_in(client, idp, ADA)
    assert User.objects.get(sso_subject=ADA["sub"]).username == "ada.l-2"


# --- deactivated people ---------------------------------------------------------------------


def test_a_deactivated_person_is_refused(client, idp):
    sign_in(Client(), idp, ADA)
    User.objects.filter(sso_subject=ADA["sub"]).update(is_active=False)

    response = sign_in(client, idp, ADA)

    assert response.status_code == 403
    assert b"deactivated" in response.content
    assert signed_in_as(client) is None


def test_a_deactivated_person_is_not_linked_by_email(client, idp):
    agent = factories.agent(username="ada", email="ada@example.com", is_active=False)
    response = sign_in(client, idp, ADA)
    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.sso_subject == ""


def test_deactivation_signs_a_single_sign_on_session_out_at_once(client, idp, admin_actor):
    sign_in(client, idp, ADA)
    assert signed_in_as(client) == "ada.l"
    user = User.objects.get(sso_subject=ADA["sub"])

    user_update(
        admin_actor, username=user.username, expected_version=None, changes={"is_active": False}
    )

    assert signed_in_as(client) is None


# --- the ID token's checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"sign_with": "other"}, "bad signature"),
        ({"tweak": {"aud": "someone-else"}}, "wrong audience"),
        ({"tweak": {"aud": [CLIENT_ID, "someone-else"]}}, "several audiences without azp"),
        ({"tweak": {"iss": "https://evil.test"}}, "wrong issuer"),
        ({"tweak": {"exp": int(time.time()) - 3600}}, "expired"),
        ({"tweak": {"nonce": "not-the-one-sent"}}, "nonce mismatch"),
        ({"tweak": {"nonce": None}}, "no nonce"),
        ({"header": {"kid": "k1", "alg": "RS512"}}, "algorithm not offered"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_an_id_token_failing_a_check_signs_no_one_in(client, idp, change, why):
    if "sign_with" in change:
        idp.sign_with = rsa_key("forger")
        idp.header = {"kid": "k1"}  # claims to be the published key
    idp.tweak = change.get("tweak", {})
    idp.header = {**idp.header, **change.get("header", {})}

    response = sign_in(client, idp, ADA)

    assert response.status_code == 400, why
    assert b"could not be verified" in response.content
    assert signed_in_as(client) is None
    assert not User.objects.filter(sso_subject=ADA["sub"]).exists()
    assert LoginFailure.objects.filter(address=ADDRESS).count() == 1


def test_an_unsigned_token_is_refused(client, idp):
    response = start(client)
    back = idp.authorize(response.url, ADA)
    issued = idp.codes[back["code"]]
    import base64
    import json

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": idp.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 60,
              "nonce": issued.nonce, **ADA}  # fmt: skip
    unsigned = f"{part({'alg': 'none'})}.{part(claims)}."
    idp.id_token = lambda _issued: unsigned  # type: ignore[method-assign]

    assert callback(client, back).status_code == 400
    assert signed_in_as(client) is None


CERTS = "/realms/staff/protocol/openid-connect/certs"


def test_a_rotated_key_is_fetched_again(client, idp, monkeypatch):
    sign_in(Client(), idp, ADA)  # keys kept
    idp.key = rsa_key("k2")  # the provider rotates
    monkeypatch.setattr(oidc, "KEYS_REFETCH_SECONDS", 0)

    response = sign_in(client, idp, ADA)

    assert response.status_code == 302
    assert idp.calls.count(CERTS) == 2


def test_unknown_key_ids_fetch_the_keys_at_most_every_half_minute(client, idp):
    sign_in(Client(), idp, ADA)
    idp.key = rsa_key("k2")

    for _ in range(3):
        assert sign_in(Client(), idp, ADA).status_code == 400

    assert idp.calls.count(CERTS) == 1


# --- the callback's checks -------------------------------------------------------------------


def test_a_state_works_once(client, idp):
    response = start(client)
    back = idp.authorize(response.url, ADA)
    idp_issued = idp.codes[back["code"]]
    assert callback(client, back).status_code == 302
    idp.codes[back["code"]] = idp_issued  # even were the provider to take the code again

    replay = callback(client, back)

    assert replay.status_code == 400
    assert b"expired or was already used" in replay.content
    client.logout()
    assert callback(client, back).status_code == 400
    assert signed_in_as(client) is None


def test_a_state_from_another_browser_is_refused(client, idp):
    attacker = Client()
    back = idp.authorize(start(attacker).url, {**ADA, "sub": "attacker"})

    # the victim's browser is sent to the attacker's callback (login CSRF)
    response = callback(client, back)

    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_a_stale_state_is_refused(client, idp, monkeypatch):
    response = start(client)
    back = idp.authorize(response.url, ADA)
    later = time.time() + 601
    monkeypatch.setattr("steward.web.sso.time.time", lambda: later)

    assert callback(client, back).status_code == 400


def test_a_code_used_twice_is_refused_by_the_provider(client, idp):
    response = start(client)
    back = idp.authorize(response.url, ADA)
    idp_code = back["code"]
    idp.codes.pop(idp_code)  # the provider has already redeemed it

    assert callback(client, back).status_code == 400
    assert signed_in_as(client) is None


def test_the_providers_refusal_is_shown(client, idp):
    response = start(client)
    state = parse_qs(urlsplit(response.url).query)["state"][0]

    answer = callback(client, {"state": state, "error": "access_denied"})

    assert answer.status_code == 403
    assert b"did not sign you in" in answer.content


# --- next= ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example/", "/\\evil.example", "/\t/evil.example",
     "javascript:alert(1)"],
    ids=["protocol-relative", "absolute", "slash-backslash", "tab", "javascript"],
)  # fmt: skip
def test_next_never_leaves_the_site(client, idp, target):
    response = sign_in(client, idp, ADA, next_=target)
    assert response.status_code == 302
    assert response.url == "/help/"


def test_next_within_the_site_is_followed(client, idp):
    response = sign_in(client, idp, ADA, next_="/catalog/?q=laptop")
    assert response.url == "/catalog/?q=laptop"


def test_the_login_pages_button_carries_next(client, idp):
    page = client.get("/login/", {"next": "/teams/"})
    [button] = [a for a in elements(page.content, "a") if "/login/sso/" in a.attrs["href"]]
    assert button.attrs["href"] == "/login/sso/?next=%2Fteams%2F"
    assert "Sign in with Keycloak" in page.content.decode()


# --- throttling -----------------------------------------------------------------------------


def test_failed_callbacks_throttle_the_address(client, idp, settings):
    settings.LOGIN_THROTTLE_COUNT = 2  # an address gets four times as many: 8
    for _ in range(8):
        assert callback(client, {"state": "forged", "code": "x"}).status_code == 400

    assert start(client).status_code == 429
    assert callback(client, {"state": "forged", "code": "x"}).status_code == 429
    assert start(client, address="10.9.0.2").status_code == 302  # another address


def test_refusals_count_against_the_identity(client, idp, settings):
    settings.LOGIN_THROTTLE_COUNT = 2
    settings.OIDC_NEW_USERS = "refuse"
    for n in range(2):
        assert sign_in(Client(), idp, ADA, address=f"10.9.1.{n}").status_code == 403

    assert sign_in(Client(), idp, ADA, address="10.9.1.9").status_code == 429


# --- a provider that is down ---------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [requests.ConnectionError("refused"), requests.Timeout("slow")],
    ids=["refused", "timeout"],
)
def test_a_provider_that_is_down_gets_an_error_page(client, idp, fault):
    idp.down = fault

    response = start(client)

    assert response.status_code == 502
    assert b"could not be reached" in response.content
    assert b"sign in with your password" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/realms/staff/.well-known/openid-configuration",
        "/realms/staff/protocol/openid-connect/certs",
        "/realms/staff/protocol/openid-connect/token",
    ],
    ids=["discovery", "keys", "token"],
)
def test_a_provider_failing_mid_sign_in_gets_an_error_page(client, idp, path):
    response = start(client)
    back = idp.authorize(response.url, ADA)
    oidc.forget()  # nothing kept: every endpoint is asked again
    idp.status[path] = 503

    answer = callback(client, back)

    assert answer.status_code == 502
    assert signed_in_as(client) is None


def test_a_discovery_document_naming_another_issuer_is_refused(client, idp):
    idp.discovery = lambda: {**FakeIdP.discovery(idp), "issuer": "https://evil.test"}  # type: ignore[method-assign]
    assert start(client).status_code == 502


def test_discovery_and_keys_are_kept(client, idp):
    sign_in(Client(), idp, ADA)
    sign_in(Client(), idp, ADA)
    assert idp.calls.count("/realms/staff/.well-known/openid-configuration") == 1
    assert idp.calls.count("/realms/staff/protocol/openid-connect/certs") == 1


# --- off by default --------------------------------------------------------------------------


def test_without_an_issuer_there_is_no_button_and_no_route(client, settings):
    settings.OIDC_ISSUER = ""
    page = client.get("/login/")
    assert b"/login/sso/" not in page.content
    assert client.get("/login/sso/").status_code == 404
    assert client.get("/login/sso/callback/", {"state": "x", "code": "y"}).status_code == 404


def test_signed_in_people_starting_again_go_home(client, idp):
    client.force_login(factories.agent(username="ada"))
    assert start(client).url == "/"


def test_the_button_and_the_error_page_in_german(idp):
    browser = Client(headers={"accept-language": "de"})
    page = browser.get("/login/")
    assert "Anmelden mit Keycloak" in page.content.decode()
    assert not english_words(page.content)

    idp.down = requests.ConnectionError("refused")
    error = browser.get("/login/sso/")
    assert error.status_code == 502
    assert "nicht erreichbar" in error.content.decode()
    assert not english_words(error.content)


# --- passwords for administrators only (STEWARD_OIDC_PASSWORD_SIGN_IN) ----------------------


def post_password(client: Client, username: str, password: str):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR="10.9.2.1"
    )


@pytest.fixture
def admins_only(idp, settings):
    settings.OIDC_ADMINS_ONLY_SIGN_IN_BY_PASSWORD = True
    return idp


def test_with_admins_only_a_requesters_right_password_reads_as_a_wrong_one(client, admins_only):
    factories.requester(username="rae")
    factories.agent(username="aga")

    right = post_password(client, "rae", PASSWORD)
    wrong = post_password(Client(), "rae", "not-the-password")
    agent = post_password(Client(), "aga", PASSWORD)

    assert right.status_code == wrong.status_code == agent.status_code == 422
    assert without_csrf(right.content) == without_csrf(wrong.content)
    assert signed_in_as(client) is None
    assert LoginFailure.objects.filter(username="rae").count() == 2
    assert b"Passwords are for administrators only" in right.content


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_with_admins_only_administrators_still_use_their_password(client, admins_only, who):
    if who == "admin":
        factories.UserFactory(username="root", roles=[Role.ADMIN])
    else:
        factories.UserFactory(username="root", roles=[], is_superuser=True, is_staff=True)

    assert post_password(client, "root", PASSWORD).status_code == 302
    assert signed_in_as(client) == "root"


def test_everyone_keeps_passwords_by_default(client, idp):
    factories.requester(username="rae")
    assert post_password(client, "rae", PASSWORD).status_code == 302


def test_with_admins_only_no_reset_mail_goes_to_others(client, admins_only):
    factories.requester(username="rae", email="rae@example.com")
    factories.UserFactory(username="root", email="root@example.com", roles=[Role.ADMIN])

    for email in ("rae@example.com", "root@example.com"):
        answer = client.post("/password-reset/", {"email": email}, REMOTE_ADDR="10.9.3.1")
        assert answer.url == "/password-reset/sent/"  # the same answer either way

    sent = OutgoingMail.objects.filter(kind="password_reset")
    assert list(sent.values_list("recipient", flat=True)) == ["root@example.com"]


def test_the_django_admin_shows_the_link_read_only(client, idp):
    sign_in(Client(), idp, ADA)
    user = User.objects.get(sso_subject=ADA["sub"])
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))

    page = client.get(f"/admin/core/user/{user.pk}/change/")

    assert page.status_code == 200
    assert ADA["sub"] in page.content.decode()
    assert 'name="sso_subject"' not in page.content.decode()
