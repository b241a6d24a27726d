"""Safety: automatic mail, our own mail and loops never open records or get answers;
whatever cannot be processed is quarantined once, with its error, and nothing half-made."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from steward.core import outbox
from steward.core.errors import IllegalTransition
from steward.core.models import Attachment, OutboxMessage, OutgoingMail
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest, message_discard, message_retry
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db

AUTOMATIC = {
    "auto-replied": {"Auto-Submitted": "auto-replied"},
    "auto-generated": {"Auto-Submitted": "auto-generated; owner-email=x@example.com"},
    "precedence-bulk": {"Precedence": "bulk"},
    "precedence-junk": {"Precedence": "junk"},
    "precedence-list": {"Precedence": "list"},
    "x-autoreply": {"X-Autoreply": "yes"},
    "x-auto-response-suppress": {"X-Auto-Response-Suppress": "All"},
    "empty-return-path": {"Return-Path": "<>"},
}


@pytest.mark.parametrize("headers", AUTOMATIC.values(), ids=AUTOMATIC.keys())
def test_automatic_mail_opens_nothing_and_gets_no_answer(mailbox, alice, headers):
    message = mail_ingest(mailbox, eml(headers=headers))
    outbox.dispatch_pending()

    assert message.status == "ignored"
    assert message.reason.startswith("automatic mail")
    assert Incident.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


@pytest.mark.parametrize("sender", ["alice@example.com", "mallory@example.net"])
def test_a_delivery_report_opens_nothing_and_gets_no_answer(mailbox, alice, sender):
    report = EmailMessage()
    report["From"] = sender
    report["To"] = "desk@example.com"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce@mx.example.com>"
    report.set_content("This is the mail system at host mx.example.com.")
    report.add_attachment("Reporting-MTA: dns; mx.example.com\n", subtype="plain")
    report.replace_header(
        "Content-Type", 'multipart/report; report-type=delivery-status; boundary="b1"'
    )

    message = mail_ingest(mailbox, bytes(report))
    outbox.dispatch_pending()

    assert message.status == "ignored"
    assert "multipart/report" in message.reason
    assert Incident.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_auto_submitted_no_is_a_persons_mail(mailbox, alice):
    message = mail_ingest(mailbox, eml(headers={"Auto-Submitted": "no"}))

    assert message.status == "created"


@pytest.mark.parametrize("own", ["desk@example.com", "DESK@example.com", "steward@localhost"])
def test_stewards_own_addresses_are_never_callers(mailbox, open_mailbox, own):
    message = mail_ingest(open_mailbox, eml(sender=f"Steward <{own}>"))
    outbox.dispatch_pending()

    assert message.status == "ignored"
    assert "own address" in message.reason
    assert Incident.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_a_loop_is_quarantined_by_the_sender_rate_limit_and_retry_lets_it_in(
    mailbox, alice, settings
):
    settings.MAIL_SENDER_LIMIT = 3
    results = [mail_ingest(mailbox, eml(subject=f"loop {n}")) for n in range(5)]

    assert [m.status for m in results] == ["created"] * 3 + ["quarantined"] * 2
    assert "more than 3 messages from alice@example.com" in results[3].reason
    assert Incident.objects.count() == 3

    retried = message_retry(SYSTEM, pk=results[3].pk)

    assert retried.status == "created"
    assert retried.attempts == 2
    assert Incident.objects.count() == 4


def _deep(levels: int) -> bytes:
    head = b"From: alice@example.com\r\nTo: desk@example.com\r\nSubject: deep\r\n"
    head += b"Message-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n"
    parts = b""
    for n in range(levels):
        parts += f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'.encode()
    parts += b"Content-Type: text/plain\r\n\r\nhello\r\n"
    for n in reversed(range(levels)):
        parts += f"--b{n}--\r\n".encode()
    return head + parts


MALFORMED = {
    "no-from": eml(sender=""),
    "two-senders": eml(sender="a@example.com, b@example.com"),
    "deep-multipart": _deep(1000),
    "not-mail": b"\x00\xff\xfe garbage without headers",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_message_that_cannot_be_processed_is_quarantined_once(mailbox, alice, raw):
    message = mail_ingest(mailbox, raw)
    again = mail_ingest(mailbox, raw)  # the next poll, or the MTA retrying

    assert message.status == "quarantined"
    assert message.reason in {
        "no single valid From address",
        "more than 200 multipart containers",
    }
    assert again.pk == message.pk
    assert not message.message_id.startswith("<sha256") or b"Message-ID" not in raw
    assert InboundMessage.objects.get(pk=message.pk).attempts == 1
    assert Incident.objects.count() == 0


def test_an_odd_charset_and_a_huge_header_line_are_read(mailbox, alice):
    raw = eml(body="Grüße")
    raw = raw.replace(b'charset="utf-8"', b'charset="x-unknown-9"')
    raw = raw.replace(b"Subject:", b"X-Huge: " + b"a" * 1_000_000 + b"\r\nSubject:")

    message = mail_ingest(mailbox, raw)

    assert message.status == "created"
    assert (
        Incident.objects.get(number=message.record_number).title == "Printer on floor 3 is jammed"
    )


def test_nul_characters_in_the_body_are_dropped_on_both_databases(mailbox, alice):
    # PostgreSQL's text cannot hold NUL: the message was quarantined there with a DataError
    # and opened, NULs kept, on SQLite
    raw = eml(body="paper\x00jam", html="<p>paper\x00jam</p>")

    message = mail_ingest(mailbox, raw)

    assert message.status == "created", message.reason
    incident = Incident.objects.get(number=message.record_number)
    assert incident.description == "paperjam"
    assert "\x00" not in InboundMessage.objects.get(pk=message.pk).html


def test_a_message_over_the_size_limit_is_quarantined(mailbox, alice, settings):
    settings.MAIL_MAX_BYTES = 2_000
    raw = eml(body="x" * 5_000)

    message = mail_ingest(mailbox, raw)

    assert message.status == "quarantined"
    assert "larger than 2000 bytes" in message.reason
    assert message.size == len(raw)
    assert message.sender == "alice@example.com"  # read from the headers alone
    assert Incident.objects.count() == 0
    assert mail_ingest(mailbox, raw).pk == message.pk


def test_an_attachment_over_the_limit_quarantines_the_whole_message(
    mailbox, alice, settings, tmp_path
):
    settings.MAX_UPLOAD_BYTES = 10
    settings.MEDIA_ROOT = str(tmp_path)
    raw = eml(
        attachments=[
            ("small.txt", "text/plain", b"ok"),
            ("big.bin", "application/octet-stream", b"z" * 100),
        ]
    )

    message = mail_ingest(mailbox, raw)

    assert message.status == "quarantined"
    assert message.reason.startswith("attachment 'big.bin' is 100 bytes, over the upload limit")
    assert Incident.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not OutboxMessage.objects.exclude(topic="mailbox.created").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no orphan file either
    settings.MAX_UPLOAD_BYTES = 1000
    assert message_retry(SYSTEM, pk=message.pk).status == "created"
    assert Attachment.objects.count() == 2


def test_a_quarantined_message_may_be_discarded_and_is_then_final(mailbox, alice):
    message = mail_ingest(mailbox, MALFORMED["no-from"])

    discarded = message_discard(SYSTEM, pk=message.pk)

    assert discarded.status == "discarded"
    with pytest.raises(IllegalTransition, match="allowed next states: none"):
        message_retry(SYSTEM, pk=message.pk)


def test_a_failure_after_the_incident_was_opened_leaves_nothing_half_made(
    mailbox, alice, monkeypatch
):
    from steward.mailboxes.services import records

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(records, "attachment_add", broken)
    raw = eml(attachments=[("log.txt", "text/plain", b"E42")])

    message = mail_ingest(mailbox, raw)

    assert message.status == "quarantined"
    assert message.reason == "OSError: disk full"
    assert Incident.objects.count() == 0
    assert not OutboxMessage.objects.exclude(topic="mailbox.created").exists()
