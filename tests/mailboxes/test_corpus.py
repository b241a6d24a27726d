"""The corpus (tests/mailboxes/corpus, README there): real-world-shaped messages from Outlook,
Gmail, Apple Mail, lists, bounces, out-of-office replies, HTML-only mail, odd charsets and
malformed MIME are each ingested with the right sender, name, subject, text and attachments,
or ignored / quarantined as they should be; hostile sizes finish in bounded time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from steward.core.models import Attachment
from steward.incidents.models import Incident
from steward.mailboxes.services import mail_ingest
from tests.mailboxes.test_safety import _deep

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_every_corpus_file_has_an_expectation():
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_corpus_message(open_mailbox, name):
    want = EXPECTED[name]
    message = mail_ingest(open_mailbox, (CORPUS / name).read_bytes())

    assert message.status == want["status"], message.reason
    if "sender" in want:
        assert message.sender == want["sender"]
    if "reason" in want:
        assert want["reason"] in message.reason
    if want["status"] != "created":
        assert not Incident.objects.exists()
        return
    incident = Incident.objects.get(number=message.record_number)
    assert incident.caller.email == want["sender"]
    assert incident.caller.first_name == want["name"]
    assert incident.title == want["subject"]
    assert want["text"] in incident.description
    for value in (incident.title, incident.caller.first_name):
        assert not set(value) & {"\r", "\n"}  # no header smuggling survives
    names = Attachment.objects.filter(object_id=str(incident.pk)).values_list("filename", flat=True)
    assert sorted(names) == sorted(want["attachments"])


HOSTILE = {
    "1000-deep-multipart": _deep(1000),
    "1-MB-header-line": (
        b"From: alice@example.com\r\nTo: desk@example.com\r\nSubject: long\r\n"
        b"X-Long: " + b"a" * (1 << 20) + b"\r\nMessage-ID: <long@example.com>\r\n\r\nhi\r\n"
    ),
}


@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_shapes_finish_in_bounded_time(open_mailbox, raw):
    started = time.perf_counter()
    message = mail_ingest(open_mailbox, raw)
    assert time.perf_counter() - started < 5
    assert message.status in {"quarantined", "created"}
    if message.status == "quarantined":
        assert not Incident.objects.exists()


@pytest.fixture
def open_request_mailbox(db):
    """A request mailbox that takes mail from strangers, ordering a general request."""
    from steward.catalog import services as catalog_services
    from steward.mailboxes.services import mailbox_create
    from tests import factories
    from tests.mailboxes.conftest import SYSTEM

    org = factories.OrganisationFactory(name="Acme", slug="acme")
    item = catalog_services.item_create(SYSTEM, name="General request")
    return mailbox_create(
        SYSTEM,
        name="Open requests",
        address="requests@example.com",
        kind="pipe",
        record_type="request",
        catalog_item=item.slug,
        allow_new_requesters=True,
        organisation=org.slug,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_corpus_message_as_a_request(open_request_mailbox, name):
    """The same corpus through a request mailbox: the same outcome, the subject as the
    request's title, the text as its first reply, the attachments on the request."""
    from django.contrib.contenttypes.models import ContentType

    from steward.catalog.models import Request
    from steward.core.models import Comment

    want = EXPECTED[name]
    message = mail_ingest(open_request_mailbox, (CORPUS / name).read_bytes())

    assert message.status == want["status"], message.reason
    if want["status"] != "created":
        assert not Request.objects.exists()
        assert not Comment.objects.exists()
        return
    request = Request.objects.get(number=message.record_number)
    assert request.requester.email == want["sender"]
    assert request.title == want["subject"]
    on_request = {"content_type": ContentType.objects.get_for_model(Request)}
    (first,) = Comment.objects.filter(object_id=str(request.pk), **on_request)
    assert want["text"] in first.body
    names = Attachment.objects.filter(object_id=str(request.pk), **on_request)
    assert sorted(names.values_list("filename", flat=True)) == sorted(want["attachments"])
