"""The mail channel's configuration pages read German too (docs/decisions/0026-translations.md):
the mailbox list, a mailbox (IMAP and pipe), its forms, received mail and the quarantine with
a held message carry no English word for a German administrator; the services' refusals on
those pages are German as well, and the API keeps them English."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.mailboxes import services
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest
from steward.mailboxes.services.mailboxes import ACK_PLACEHOLDERS
from tests import factories
from tests.conftest import api_client_for, as_actor
from tests.mailboxes.conftest import SYSTEM, eml
from tests.web.english_scan import ProseWords, split_words
from tests.web.test_language_admin import ADMIN

# The mail channel's vocabulary, on top of the administrators': words German text never
# contains. ("Mail", "Server", "Original", "Pipe", "IMAP" are German too.)
MAIL_WORDS = """mailbox mailboxes received sender senders subject quarantine quarantined
    outcome retry discard discarded poll every seconds unknown acknowledge acknowledgement
    record records opens kind address folder delivered delivery connection download
    message messages plain tries why error latest where comes requesters rejected ignored
    opened added standard routing"""
MAIL = ADMIN | frozenset(MAIL_WORDS.split())
DESK = "zentrale@example.com"


def mail_english_words(html: bytes, data: set[str]) -> list[str]:
    reader = ProseWords()
    reader.feed(html.decode())
    return sorted({w for w in reader.words if w.lower() in MAIL and w not in data})


@pytest.fixture
def mail_pages(german_admin, settings):
    """Every mail page, with an IMAP and a pipe mailbox, an opened record and a held
    message (the sender limit holds the second mail of one sender)."""
    settings.MAIL_SENDER_LIMIT = 1
    pipe = services.mailbox_create(
        SYSTEM, name="Zentrale", address=DESK, kind="pipe", team="servicedesk"
    )
    imap = services.mailbox_create(
        SYSTEM,
        name="Posteingang",
        address="eingang@example.com",
        kind="imap",
        imap_host="imap.example.com",
        imap_password="geheim",
        acknowledgement_text="Danke: $number",
    )
    factories.requester(username="berta", email="berta@example.com")
    sender = "Berta Beispiel <berta@example.com>"
    opened = mail_ingest(pipe, eml(sender=sender, to=DESK, subject="Drucker klemmt", body="Fach 2"))
    held = mail_ingest(pipe, eml(sender=sender, to=DESK, subject="Nochmal", body="Fach 3"))
    assert (opened.status, held.status) == ("created", "quarantined")
    return [
        "/mailboxes/",
        "/mailboxes/new/",
        f"/mailboxes/{pipe.slug}/",
        f"/mailboxes/{imap.slug}/",
        f"/mailboxes/{imap.slug}/edit/",
        "/mailboxes/messages/",
        "/mailboxes/messages/?status=created",
        "/mailboxes/messages/?status=discarded",
        f"/mailboxes/messages/{held.pk}/",
        f"/mailboxes/messages/{opened.pk}/",
        f"/mailboxes/opened/incident/{opened.record_number}/",
    ]


def data_words() -> set[str]:
    """What was stored as said at ingestion (a held message's reason, read
    by no one's language), which stays as it is."""
    texts = [m.reason for m in InboundMessage.objects.all()]
    # the acknowledgement's placeholders ($subject, $link) are names, as in every language
    return {w for text in texts for w in split_words(text)} | set(ACK_PLACEHOLDERS)


def test_the_mail_pages_read_german(german_admin, mail_pages):
    client = Client()
    client.force_login(german_admin)
    left_over, data = {}, data_words()
    for url in mail_pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Language"] == "de", url
        if words := mail_english_words(answer.content, data):
            left_over[url] = words
    assert not left_over, f"English on German pages: {left_over}"


def test_the_mail_word_list_catches_an_english_page(german_admin, mail_pages):
    german_admin.language = "en"
    german_admin.save(update_fields=["language"])
    client = Client()
    client.force_login(german_admin)
    page = client.get("/mailboxes/messages/").content
    assert {"Received", "Sender", "Subject", "Outcome"} <= set(mail_english_words(page, set()))


def test_a_refused_mailbox_reads_german_beside_its_field(german_admin):
    client = Client()
    client.force_login(german_admin)
    answer = client.post(
        "/mailboxes/new/",
        {"name": "Zentrale", "address": "keine-adresse", "kind": "imap", "imap_port": "993",
         "imap_folder": "INBOX", "poll_seconds": "5", "is_active": "on"},
    )  # fmt: skip
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "keine gültige E-Mail-Adresse" in page
    assert "Sekunden, 10 bis 86400" in page
    assert "not a valid email address" not in page


def test_retrying_a_handled_message_reads_german(german_admin, mail_pages):
    """The quarantine's refusal (a message no longer held) on the message's page."""
    done = InboundMessage.objects.get(status="created")
    client = Client()
    client.force_login(german_admin)
    answer = client.post(f"/mailboxes/messages/{done.pk}/retry/")
    assert answer.status_code == 409
    page = answer.content.decode()
    # the states are the API's codes, the same in every language
    assert "Wechsel von &#x27;created&#x27; nach &#x27;retry&#x27; nicht möglich" in page
    assert "Cannot move" not in page


def test_the_api_keeps_the_refusal_english(german_admin):
    api = api_client_for(german_admin, scopes=("read", "write", "admin"))
    answer = api.post(
        "/api/v1/mailboxes", {"name": "Zentrale", "address": "keine-adresse", "kind": "pipe"}
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"]["fields"] == {"address": ["not a valid email address"]}


def test_a_refusal_follows_the_actor_language(german_admin):
    """The service itself, outside a request: what it raises is in the active language."""
    from django.utils import translation

    from steward.core.errors import ValidationFailed

    me = as_actor(german_admin)
    for language, said in (
        ("de", "keine gültige E-Mail-Adresse"),
        ("en", "not a valid email address"),
    ):
        with translation.override(language), pytest.raises(ValidationFailed) as refused:
            services.mailbox_create(me, name="Zentrale", address="keine-adresse", kind="pipe")
        assert refused.value.fields == {"address": [said]}
