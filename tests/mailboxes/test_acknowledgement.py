"""The acknowledgement (per mailbox text, string.Template placeholders only) and the
rejection of strangers: both from the mailbox's own address, never to automatic mail."""

from __future__ import annotations

import pytest

from steward.core import mail, outbox
from steward.core.errors import ValidationFailed
from steward.core.models import OutgoingMail
from steward.mailboxes.services import mail_ingest, mailbox_update
from tests.mailboxes.conftest import DESK, SYSTEM, eml

pytestmark = pytest.mark.django_db


def _set_text(mailbox, text):
    return mailbox_update(
        SYSTEM, slug=mailbox.slug, expected_version=None, changes={"acknowledgement_text": text}
    )


def test_the_mailboxs_own_text_with_placeholders(mailbox, alice, settings, mailoutbox):
    settings.BASE_URL = "https://desk.example.org"
    _set_text(mailbox, "Thanks! $number ($title) is open: $link\nAbout: $subject. Cost: $$0")
    message = mail_ingest(mailbox, eml(subject="VPN {{ secret }} down"))
    outbox.dispatch_pending()
    mail.send_pending()
    (ack,) = OutgoingMail.objects.filter(kind="mail_acknowledgement")
    number = message.record_number
    assert ack.body == (
        f"Thanks! {number} (VPN {{{{ secret }}}} down) is open: "
        f"https://desk.example.org/incidents/{number}/\n"
        "About: VPN {{ secret }} down. Cost: $0\n"
    )
    assert ack.subject == f"[{number}] Received: VPN {{{{ secret }}}} down"
    (sent,) = mailoutbox
    assert sent.extra_headers["From"] == DESK
    assert sent.message()["From"] == DESK


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hello $name", "unknown placeholder $name"),
        ("${incident.caller.password}", "a lone $ must be written $$"),
        ("{{ settings.SECRET_KEY }} $", "a lone $ must be written $$"),
        ("x" * 4001, "at most 4000 characters"),
    ],
)
def test_a_bad_text_is_refused_naming_the_field(mailbox, text, problem):
    with pytest.raises(ValidationFailed) as caught:
        _set_text(mailbox, text)
    assert problem in caught.value.fields["acknowledgement_text"][0]


def test_the_standard_text_when_empty(mailbox, alice):
    message = mail_ingest(mailbox, eml())
    outbox.dispatch_pending()
    (ack,) = OutgoingMail.objects.filter(kind="mail_acknowledgement")
    assert f"recorded it as {message.record_number}" in ack.body


def test_a_stranger_is_answered_from_the_mailbox_address_once(mailbox, mailoutbox):
    for n in range(3):
        mail_ingest(mailbox, eml(sender="eve@example.net", subject=f"try {n}"))
    outbox.dispatch_pending()
    mail.send_pending()
    (reply,) = mailoutbox
    assert reply.to == ["eve@example.net"]
    assert reply.message()["From"] == DESK
    assert reply.message()["Auto-Submitted"] == "auto-replied"


def test_automatic_mail_from_a_stranger_gets_no_answer(mailbox):
    auto = eml(sender="eve@example.net", headers={"Auto-Submitted": "auto-replied"})
    assert mail_ingest(mailbox, auto).status == "ignored"
    bounce = eml(sender="mailer-daemon@example.net", headers={"Return-Path": "<>"})
    assert mail_ingest(mailbox, bounce).status == "ignored"
    outbox.dispatch_pending()
    assert not OutgoingMail.objects.exists()
