"""A sender is believed only from a From header read the one way RFC 5322 allows: a header
the standard parser reads by guessing, or a second From, names nobody (the mail server's
DMARC check may have passed another address than the guess)."""

from __future__ import annotations

import pytest

from steward.core.models import Comment
from steward.incidents.models import Incident
from steward.mailboxes.services import mail_ingest
from steward.mailboxes.services.parsing import parse_head
from tests.mailboxes.conftest import eml

HEAD = b"To: desk@example.com\r\nSubject: x\r\nMessage-ID: <m@mail.example.com>\r\n\r\nhi\r\n"

# each read as alice by the standard parser before, though the address the angle brackets
# (or the group, or the second header) give is mallory's
GUESSED = {
    "name-like-an-address": b"From: alice@example.com <mallory@evil.test>\r\n",
    "address-then-domain": b"From: <alice@example.com>@evil.test\r\n",
    "unclosed-group": b"From: alice@example.com:mallory@evil.test\r\n",
    "two-from-headers": b"From: alice@example.com\r\nFrom: mallory@evil.test\r\n",
}

# well-formed forms keep their one address
READ = {
    "plain": (b"From: alice@example.com\r\n", "alice@example.com"),
    "quoted-name": (b'From: "alice@example.com" <mallory@evil.test>\r\n', "mallory@evil.test"),
    "comment": (b"From: alice@example.com (Alice)\r\n", "alice@example.com"),
    "period-in-name": (b"From: Alice Q. Example <alice@example.com>\r\n", "alice@example.com"),
    "encoded-name": (b"From: =?utf-8?q?J=C3=B6rg?= <alice@example.com>\r\n", "alice@example.com"),
    "group": (b"From: desk: alice@example.com;\r\n", "alice@example.com"),
}


@pytest.mark.parametrize("line", GUESSED.values(), ids=GUESSED.keys())
def test_a_guessed_from_names_nobody(line):
    assert parse_head(line + HEAD).sender == ""


@pytest.mark.parametrize(("line", "address"), READ.values(), ids=READ.keys())
def test_a_well_formed_from_is_read(line, address):
    assert parse_head(line + HEAD).sender == address


@pytest.mark.parametrize("line", GUESSED.values(), ids=GUESSED.keys())
def test_a_guessed_from_cannot_reply_as_the_caller(mailbox, alice, line):
    opened = Incident.objects.get(number=mail_ingest(mailbox, eml()).record_number)
    before = Comment.objects.count()
    raw = line + HEAD.replace(b"Subject: x", f"Subject: Re: [{opened.number}]".encode())

    message = mail_ingest(mailbox, raw)

    assert message.status == "quarantined"
    assert message.reason == "no single valid From address"
    assert Comment.objects.count() == before
    assert Incident.objects.count() == 1
