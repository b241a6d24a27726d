"""Password reset by email: one link, used once, within the hour; no account enumeration."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from steward.core import services
from steward.core.models import OutgoingMail
from tests import factories
from tests.conftest import as_actor
from tests.web.conftest import PASSWORD, without_csrf

pytestmark = pytest.mark.django_db

RESET = "/password-reset/"
NEW = "a-brand-new-passphrase-42"


def ask(client: Client, email: str, *, address: str = "10.0.0.9"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def mailed_link(email: str) -> str:
    row = OutgoingMail.objects.filter(recipient=email, kind="password_reset").latest("pk")
    return re.search(r"http://testserver(/password-reset/\S+/)", row.body).group(1)


def set_password(client: Client, link: str, password: str = NEW):
    page = client.get(link)
    assert page.status_code == 302, page.content[:300]
    return client.post(page.url, {"new_password1": password, "new_password2": password})


def test_sign_in_page_offers_a_reset(client):
    assert b'href="/password-reset/"' in client.get("/login/").content
    assert b"Forgot your password?" in client.get(RESET).content


def test_known_and_unknown_addresses_get_the_same_answer(client):
    factories.agent(username="ada")

    known = ask(client, "ada@example.com")
    unknown = ask(client, "nobody@example.com")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == "/password-reset/sent/"
    sent = client.get(known.url)
    assert b"If an account uses that address" in sent.content
    assert OutgoingMail.objects.filter(kind="password_reset").count() == 1
    assert OutgoingMail.objects.get(kind="password_reset").recipient == "ada@example.com"


def test_the_form_page_is_the_same_for_both_addresses(client):
    factories.agent(username="ada")
    ask(client, "ada@example.com", address="10.0.0.1")
    ask(client, "nobody@example.com", address="10.0.0.2")
    first, second = (without_csrf(Client().get(RESET).content) for _ in range(2))
    assert first == second


def test_an_inactive_account_gets_no_mail(client):
    factories.agent(username="gone", is_active=False)
    assert ask(client, "gone@example.com").status_code == 302
    assert not OutgoingMail.objects.filter(kind="password_reset").exists()


def test_the_link_sets_a_new_password_and_the_old_one_stops_working(client):
    ada = factories.agent(username="ada")
    ask(client, "ada@example.com")

    done = set_password(client, mailed_link("ada@example.com"))

    assert done.status_code == 302
    assert done.url == "/password-reset/done/"
    ada.refresh_from_db()
    assert ada.check_password(NEW)
    assert not ada.check_password(PASSWORD)
    signed = Client().post("/login/", {"username": "ada", "password": NEW})
    assert signed.status_code == 302


def test_the_token_does_not_stay_in_the_address_bar(client):
    factories.agent(username="ada")
    ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")

    page = client.get(link)

    assert page.url.endswith("/set-password/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in page.url
    assert b"Choose a new password" in client.get(page.url).content


def test_a_link_works_once(client):
    factories.agent(username="ada")
    ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")
    set_password(client, link)

    again = Client().get(link)

    assert again.status_code == 200
    assert b"This link no longer works" in again.content


def test_a_link_expires_after_an_hour(client, settings, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    ada = factories.agent(username="ada")
    ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")

    later = dt.datetime.now() + dt.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    late = Client().get(link)

    assert b"This link no longer works" in late.content
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)


def test_a_tampered_link_is_refused(client):
    factories.agent(username="ada")
    ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")
    assert b"This link no longer works" in client.get(link[:-3] + "xx/").content
    assert b"This link no longer works" in client.get("/password-reset/xx/set-password/").content


def test_posting_to_set_password_without_a_checked_link_changes_nothing(client):
    ada = factories.agent(username="ada")
    ask(client, "ada@example.com")
    uid = mailed_link("ada@example.com").split("/")[2]
    response = Client().post(
        f"/password-reset/{uid}/set-password/", {"new_password1": NEW, "new_password2": NEW}
    )
    assert b"This link no longer works" in response.content
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(client):
    ada = factories.agent(username="ada")
    ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")

    refused = set_password(client, link, "short")

    assert refused.status_code == 422
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)
    assert set_password(Client(), link).status_code == 302


def test_a_new_password_ends_other_sessions_and_api_tokens(client):
    ada = factories.agent(username="ada")
    elsewhere = Client()
    elsewhere.force_login(ada)
    assert elsewhere.get("/").status_code == 200
    _, raw = services.token_create(as_actor(ada), name="laptop", scopes=["read"], expires_at=None)
    assert services.token_authenticate(raw) is not None
    ask(client, "ada@example.com")

    set_password(client, mailed_link("ada@example.com"))

    assert elsewhere.get("/").status_code == 302  # back to the sign-in page
    assert services.token_authenticate(raw) is None


def test_requests_are_throttled_like_sign_ins(client, settings):
    factories.agent(username="ada")
    for _ in range(settings.LOGIN_THROTTLE_COUNT):
        assert ask(client, "ada@example.com").status_code == 302

    queued = OutgoingMail.objects.filter(kind="password_reset").count()

    refused = ask(client, "ada@example.com")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(settings.LOGIN_THROTTLE_SECONDS)
    assert b"Too many" in refused.content
    assert OutgoingMail.objects.filter(kind="password_reset").count() == queued


def test_an_unknown_address_is_throttled_too(client, settings):
    for _ in range(settings.LOGIN_THROTTLE_COUNT):
        ask(client, "nobody@example.com")
    assert ask(client, "nobody@example.com").status_code == 429


def test_refused_password_forms_answer_422_like_every_other_form(client):
    """A refused form answers 422 across the web pages (steward.web.forms.submit); the
    password pages and the sign-in form answered 400, so the journeys' watch (422 only) took
    them for errors."""
    ada = factories.agent(username="ada")

    not_an_address = ask(client, "not an address")
    assert not_an_address.status_code == 422
    assert b"Enter a valid email address." in not_an_address.content

    ask(client, "ada@example.com")
    link = mailed_link("ada@example.com")
    page = client.get(link)
    mismatch = client.post(page.url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert mismatch.status_code == 422
    assert b"didn" in mismatch.content  # "The two password fields didn’t match."

    wrong = Client().post("/login/", {"username": "ada", "password": "wrong"})
    assert wrong.status_code == 422
    assert b"Wrong username or password." in wrong.content
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)
