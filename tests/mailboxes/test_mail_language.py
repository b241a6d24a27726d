"""The mailbox's own answers speak the reader's language (decision 0026): the
acknowledgement the language of the person who wrote (their profile's), the refusal of a
stranger, who has no profile, the site's."""

from __future__ import annotations

import pytest

from steward.core import outbox
from steward.core.models import OutgoingMail
from steward.mailboxes.services import mail_ingest
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("de", "Eingegangen: Drucker", "Dies ist eine automatische Nachricht"),
        ("en", "Received: Drucker", "This is an automatic message"),
    ],
)
def test_the_acknowledgement_reads_the_senders_language(mailbox, alice, language, subject, line):
    alice.language = language
    alice.save(update_fields=["language"])
    message = mail_ingest(mailbox, eml(subject="Drucker"))
    outbox.dispatch_pending()
    (ack,) = OutgoingMail.objects.filter(kind="mail_acknowledgement")
    assert ack.subject == f"[{message.record_number}] {subject}"
    assert line in ack.body


@pytest.mark.parametrize(
    ("site", "subject"),
    [("de", "Ihre Nachricht wurde nicht angenommen"), ("en", "Your message was not accepted")],
)
def test_a_stranger_is_refused_in_the_sites_language(mailbox, settings, site, subject):
    settings.LANGUAGE_CODE = site
    mail_ingest(mailbox, eml(sender="eve@example.net"))
    outbox.dispatch_pending()
    (refusal,) = OutgoingMail.objects.filter(kind="mail_rejected")
    assert refusal.subject == subject
