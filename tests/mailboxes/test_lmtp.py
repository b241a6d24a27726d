"""The LMTP listener, over a real socket with the standard library's LMTP client: a
message to a mailbox opens an incident, an unknown recipient is refused at RCPT, a bounce
(empty envelope sender) is recognised, and each recipient gets its own answer."""

from __future__ import annotations

import smtplib
import socket

import pytest

from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mailbox_create
from steward.mailboxes.services.lmtp import lmtp_controller
from tests import factories
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lmtp():
    factories.requester(username="alice", email="alice@example.com")
    mailbox_create(SYSTEM, name="Desk", address="desk@example.com", kind="pipe")
    mailbox_create(SYSTEM, name="Network", address="network@example.com", kind="pipe")
    port = _free_port()
    controller = lmtp_controller("127.0.0.1", port)
    controller.start()
    client = smtplib.LMTP("127.0.0.1", port)
    yield client
    client.quit()
    controller.stop()


def test_a_delivered_message_opens_an_incident(lmtp):
    refused = lmtp.sendmail("alice@example.com", ["desk@example.com"], eml())

    assert refused == {}
    (message,) = InboundMessage.objects.all()
    assert message.status == "created"
    assert Incident.objects.get(number=message.record_number).caller.username == "alice"
    assert bytes(message.raw).startswith(b"Return-Path: <alice@example.com>\r\n")


def test_each_recipient_mailbox_gets_the_message_and_unknown_ones_are_refused(lmtp):
    refused = lmtp.sendmail(
        "alice@example.com",
        ["desk@example.com", "nobody@example.com", "network@example.com"],
        eml(message_id="<both@mail.example.com>"),
    )

    assert refused == {"nobody@example.com": (550, b"5.1.1 No such mailbox here")}
    stored = InboundMessage.objects.order_by("mailbox__name")
    assert [m.mailbox.name for m in stored] == ["Desk", "Network"]
    assert Incident.objects.count() == 2


def test_a_bounce_with_an_empty_envelope_sender_is_ignored(lmtp):
    lmtp.sendmail("<>", ["desk@example.com"], eml(subject="Undeliverable: hello"))

    (message,) = InboundMessage.objects.all()
    assert bytes(message.raw).startswith(b"Return-Path: <>\r\n")
    assert message.status == "ignored"
    assert "Return-Path" in message.reason
    assert Incident.objects.count() == 0
