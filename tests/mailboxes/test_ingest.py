"""Ingestion: a message opens an incident once, with its caller, text and attachments."""

from __future__ import annotations

import pytest

from steward.core import outbox
from steward.core.models import Attachment, AuditEntry, OutgoingMail, User
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db


def test_a_known_persons_mail_opens_an_incident_for_them(mailbox, alice):
    message = mail_ingest(mailbox, eml())

    incident = Incident.objects.get(number=message.record_number)
    assert message.status == "created"
    assert message.caller == alice
    assert incident.caller == alice
    assert incident.title == "Printer on floor 3 is jammed"
    assert incident.description == "The printer says paper jam in tray 2."
    assert incident.channel == "email"
    assert incident.team == mailbox.team
    assert bytes(message.raw).startswith(b"From: Alice Example <alice@example.com>")
    audit = AuditEntry.objects.get(object_id=str(message.pk), content_type__model="inboundmessage")
    assert audit.actor_label == "system:mailbox:desk"
    assert audit.changes["status"] == [None, "created"]


def test_the_same_message_delivered_twice_opens_one_incident(mailbox, alice):
    raw = eml(message_id="<once@mail.example.com>")

    first = mail_ingest(mailbox, raw)
    second = mail_ingest(mailbox, raw)

    assert second.pk == first.pk
    assert Incident.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_a_message_without_message_id_is_deduplicated_by_its_bytes(mailbox, alice):
    raw = eml().replace(b"Message-ID:", b"X-Old-ID:")

    first = mail_ingest(mailbox, raw)
    second = mail_ingest(mailbox, raw)

    assert first.message_id.startswith("<sha256.")
    assert second.pk == first.pk
    assert Incident.objects.count() == 1


def test_attachments_are_stored_on_the_incident(mailbox, alice):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    raw = eml(
        attachments=[("screen shot.png", "image/png", png), ("log.txt", "text/plain", b"E42")]
    )

    message = mail_ingest(mailbox, raw)

    incident = Incident.objects.get(number=message.record_number)
    files = {a.filename: a for a in Attachment.objects.filter(object_id=str(incident.pk))}
    assert sorted(files) == ["log.txt", "screen shot.png"]
    assert files["screen shot.png"].media_type == "image/png"
    assert files["screen shot.png"].file.read() == png
    assert files["log.txt"].size == 3


def test_an_html_only_body_is_read_as_text_without_its_script(mailbox, alice):
    html = (
        "<html><body><p>VPN &amp; mail down</p><script>alert('x')</script>"
        "<div>since 9:00</div><iframe src='https://evil.example'></iframe>"
        "<img src='https://tracker.example/p.gif'></body></html>"
    )
    message = mail_ingest(mailbox, eml(body=None, html=html))

    incident = Incident.objects.get(number=message.record_number)
    assert incident.description == "VPN & mail down\nsince 9:00"
    assert "alert" not in incident.description
    assert "<p>VPN &amp; mail down</p>" in message.html
    assert "<script" not in message.html
    assert "<iframe" not in message.html
    assert "<img" not in message.html


def test_text_is_preferred_to_html(mailbox, alice):
    message = mail_ingest(mailbox, eml(body="plain words", html="<p>rich words</p>"))

    assert Incident.objects.get(number=message.record_number).description == "plain words"


def test_a_stranger_is_rejected_with_one_automatic_reply(mailbox, mailoutbox):
    message = mail_ingest(mailbox, eml(sender="mallory@example.net"))
    outbox.dispatch_pending()

    assert message.status == "rejected"
    assert "not a known person" in message.reason
    assert Incident.objects.count() == 0
    (reply,) = OutgoingMail.objects.filter(kind="mail_rejected")
    assert reply.recipient == "mallory@example.net"
    assert reply.headers["Auto-Submitted"] == "auto-replied"
    assert reply.headers["In-Reply-To"] == message.message_id
    (sent,) = mailoutbox
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.to == ["mallory@example.net"]
    again = mail_ingest(mailbox, eml(sender="mallory@example.net", subject="again"))
    outbox.dispatch_pending()
    assert again.status == "rejected"
    assert OutgoingMail.objects.filter(kind="mail_rejected").count() == 1  # once a day


def test_a_stranger_becomes_a_requester_where_the_mailbox_allows_it(open_mailbox):
    message = mail_ingest(open_mailbox, eml(sender="Zoë Newcomer <zoe@example.org>"))

    user = User.objects.get(email="zoe@example.org")
    assert message.status == "created"
    assert user.username == "zoe"
    assert user.first_name == "Zoë Newcomer"
    assert user.organisation.slug == "acme"
    assert user.has_role("requester")
    assert not user.is_agent
    assert not user.has_usable_password()
    assert Incident.objects.get(number=message.record_number).caller == user


def test_a_deactivated_persons_mail_is_rejected_not_turned_into_a_new_account(open_mailbox, alice):
    alice.is_active = False
    alice.save()

    message = mail_ingest(open_mailbox, eml())

    assert message.status == "rejected"
    assert message.reason == "the account of alice@example.com is deactivated"
    assert User.objects.filter(email="alice@example.com").count() == 1
    assert Incident.objects.count() == 0


def test_a_database_failure_is_not_quarantined_but_raised_for_a_retry(mailbox, alice, monkeypatch):
    from django.db import OperationalError

    from steward.mailboxes.services import records

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(records, "open_record", down)

    with pytest.raises(OperationalError):
        mail_ingest(mailbox, eml(message_id="<later@mail.example.com>"))

    assert not InboundMessage.objects.filter(message_id="<later@mail.example.com>").exists()
