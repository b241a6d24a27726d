""" "Test connection" against a real socket: a tiny IMAP server started by the test, a
silent one (the short timeout acts) and a closed port; each outcome said in words."""

from __future__ import annotations

import socket
import time

import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.mailboxes.services import mailbox_test_connection, mailbox_update, polling
from tests import factories
from tests.mailboxes.conftest import SYSTEM
from tests.mailboxes.imap_server import imap_server

pytestmark = pytest.mark.django_db


def _point(box, host, port, **changes):
    return mailbox_update(
        SYSTEM,
        slug=box.slug,
        expected_version=None,
        changes={"imap_host": host, "imap_port": port, "imap_tls": False, **changes},
    )


@pytest.fixture
def imap_box(db):
    from steward.mailboxes.services import mailbox_create

    return mailbox_create(
        SYSTEM, name="IMAP", address="imap@example.com", kind="imap", imap_host="x",
        imap_username="desk", imap_password="pw",
    )  # fmt: skip


def test_a_good_login_and_folder(imap_box):
    with imap_server() as (host, port):
        _point(imap_box, host, port)
        ok, said = mailbox_test_connection(SYSTEM, slug=imap_box.slug)
    assert ok, said
    assert said == f"Connected to {host}:{port}; INBOX holds 3 messages."


def test_a_wrong_password_is_said_in_words(imap_box):
    with imap_server() as (host, port):
        _point(imap_box, host, port, imap_password="wrong")
        ok, said = mailbox_test_connection(SYSTEM, slug=imap_box.slug)
    assert not ok
    assert said == f"{host}:{port} refused the login: [AUTHENTICATIONFAILED] Invalid credentials."


def test_a_missing_folder(imap_box):
    with imap_server() as (host, port):
        _point(imap_box, host, port, imap_folder="Support")
        ok, said = mailbox_test_connection(SYSTEM, slug=imap_box.slug)
    assert not ok
    assert "the folder 'Support' cannot be opened" in said


def test_a_silent_server_times_out_quickly(imap_box, monkeypatch):
    monkeypatch.setattr(polling, "TEST_TIMEOUT", 0.3)
    with imap_server(silent=True) as (host, port):
        _point(imap_box, host, port)
        ok, said = mailbox_test_connection(SYSTEM, slug=imap_box.slug)
    assert not ok
    assert said == f"No answer from {host}:{port} within 0.3 seconds."


def test_a_closed_port(imap_box):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: the connection is refused
        _point(imap_box, "127.0.0.1", port)
        ok, said = mailbox_test_connection(SYSTEM, slug=imap_box.slug)
    assert not ok
    assert said.startswith(f"Cannot connect to 127.0.0.1:{port}: ")


def test_a_slow_server_is_bounded_as_a_whole(imap_box, monkeypatch):
    """Each line within the timeout, but greeting, capabilities, login and select together
    well past it: the test still ends at the timeout, saying so."""
    monkeypatch.setattr(polling, "TEST_TIMEOUT", 0.5)
    with imap_server(delay=0.3) as (host, port):
        _point(imap_box, host, port)
        started = time.monotonic()
        ok, said = mailbox_test_connection(SYSTEM, slug=imap_box.slug)
        took = time.monotonic() - started
    assert not ok
    assert said == f"No answer from {host}:{port} within 0.5 seconds."
    assert took < 1.6  # the bound and the logout's second, not 5 lines of 0.3 s each + more


def test_only_administrators_test_and_others_find_no_mailbox(imap_box):
    agent = factories.agent(username="ann")
    with pytest.raises(NotFound):
        mailbox_test_connection(Actor(user=agent), slug=imap_box.slug)
    with pytest.raises(NotFound):
        mailbox_test_connection(Actor(user=agent), slug="absent")


def test_the_button_shows_the_result(imap_box, admin_user):
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/mailboxes/{imap_box.slug}/")
    assert b"Test connection" in page.content
    with imap_server() as (host, port):
        _point(imap_box, host, port)
        answer = client.post(f"/mailboxes/{imap_box.slug}/test/")
    assert answer.status_code == 200
    assert b"INBOX holds 3 messages." in answer.content
    assert b'role="status"' in answer.content


def test_the_api_tests_the_connection(imap_box, admin_api):
    with imap_server() as (host, port):
        _point(imap_box, host, port)
        good = admin_api.post(f"/api/v1/mailboxes/{imap_box.slug}/test")
        _point(imap_box, host, port, imap_password="wrong")
        refused = admin_api.post(f"/api/v1/mailboxes/{imap_box.slug}/test")
    assert good.status_code == 200, good.content
    assert good.json() == {
        "ok": True,
        "message": f"Connected to {host}:{port}; INBOX holds 3 messages.",
    }
    assert refused.status_code == 200, refused.content
    assert refused.json() == {
        "ok": False,
        "message": f"{host}:{port} refused the login: [AUTHENTICATIONFAILED] Invalid credentials.",
    }


def test_the_api_test_of_a_piped_mailbox_says_there_is_nothing_to_test(admin_api):
    from steward.mailboxes.services import mailbox_create

    box = mailbox_create(SYSTEM, name="Pipe", address="pipe@example.com", kind="pipe")
    answer = admin_api.post(f"/api/v1/mailboxes/{box.slug}/test")
    assert answer.status_code == 200
    assert answer.json()["ok"] is False
    assert "pipe or LMTP" in answer.json()["message"]


@pytest.mark.parametrize("client", ["agent_api", "requester_api"])
def test_the_api_test_is_administrators_only(request, imap_box, client):
    api = request.getfixturevalue(client)
    mine = api.post(f"/api/v1/mailboxes/{imap_box.slug}/test")
    absent = api.post("/api/v1/mailboxes/absent/test")
    assert mine.status_code == 404
    assert mine.content == absent.content


def test_an_admin_token_without_the_admin_scope_cannot_test(imap_box, admin_user):
    from tests.conftest import api_client_for

    api = api_client_for(admin_user, scopes=("read", "write"))
    answer = api.post(f"/api/v1/mailboxes/{imap_box.slug}/test")
    assert answer.status_code == 404  # the token's user is no administrator: no mailboxes
    assert answer.json()["error"]["code"] == "not_found"
