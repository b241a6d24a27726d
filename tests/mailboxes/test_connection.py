""" "Test connection" against a real socket: a tiny IMAP server started by the test, a
silent one (the short timeout acts) and a closed port; each outcome said in words."""

from __future__ import annotations

import socket

import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.core.errors import PermissionDenied
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


def test_only_administrators_test(imap_box):
    agent = factories.agent(username="ann")
    with pytest.raises(PermissionDenied):
        mailbox_test_connection(Actor(user=agent), slug=imap_box.slug)


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
