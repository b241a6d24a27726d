"""Requests as a mailbox's record type: a new mail orders the mailbox's catalogue item as its
sender (the portal's checks, approvals and tasks), replies thread onto the request by header
and by ``[REQ…]``, a reply to a closed request opens a follow-up, and the mails about the
request thread back under the requester's own message."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.catalog import services as catalog_services
from steward.catalog.models import Request
from steward.core import outbox
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Attachment, AuditEntry, Comment, OutgoingMail
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest, mailbox_create, mailbox_update
from tests import factories
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db
REQUESTS = "requests@example.com"


@pytest.fixture
def fulfil(db):
    return factories.TeamFactory(name="Workplace", slug="workplace")


@pytest.fixture
def general(fulfil):
    """The generic item mail orders: nothing required, one fulfilment task."""
    service = catalog_services.service_create(SYSTEM, name="Workplace", stage="live")
    return catalog_services.item_create(
        SYSTEM,
        name="General request",
        service=service.slug,
        form=[{"key": "details", "label": "Details", "type": "text"}],
        task_templates=[{"title": "Look at it", "team": fulfil.slug}],
    )


@pytest.fixture
def req_box(general):
    return mailbox_create(
        SYSTEM,
        name="Requests",
        address=REQUESTS,
        kind="pipe",
        record_type="request",
        catalog_item=general.slug,
    )


def _ct(model) -> ContentType:  # noqa: ANN001
    return ContentType.objects.get_for_model(model)


def _comments(request: Request) -> list[Comment]:
    on = Comment.objects.filter(object_id=str(request.pk), content_type=_ct(Request))
    return list(on.order_by("id"))


def test_a_new_mail_orders_the_mailboxs_item_as_its_sender(req_box, alice):
    message = mail_ingest(
        req_box,
        eml(
            to=REQUESTS,
            subject="Second monitor please",
            body="A 27 inch one if possible.",
            attachments=[("quote.pdf", "application/pdf", b"%PDF-1.4 quote")],
        ),
    )

    assert message.status == "created", message.reason
    assert message.record_type == "catalog.request"
    request = Request.objects.get(number=message.record_number)
    assert request.number.startswith("REQ")
    assert request.title == "Second monitor please"
    assert request.requester == alice
    assert request.item.slug == "general-request"
    assert request.status == "fulfilment"  # no approval stage: straight to its task
    assert [t.title for t in request.tasks.all()] == ["Look at it"]
    (first,) = _comments(request)
    assert first.body == "A 27 inch one if possible."
    assert first.author == alice
    assert first.channel == "email"
    assert not first.internal
    assert message.comment_id == first.pk  # its page links the message from the reply
    (stored,) = Attachment.objects.filter(object_id=str(request.pk), content_type=_ct(Request))
    assert stored.filename == "quote.pdf"
    created = AuditEntry.objects.get(
        object_id=str(request.pk), content_type=_ct(Request), action="create"
    )
    assert created.actor_id == alice.pk
    assert created.channel == "email"
    assert not Incident.objects.exists()


def test_a_request_mailbox_acknowledges_threaded_and_the_reply_threads_back(req_box, alice):
    first = mail_ingest(req_box, eml(to=REQUESTS, message_id="<ask@mail.example.com>"))
    outbox.dispatch_pending()
    ack = OutgoingMail.objects.get(kind="mail_acknowledgement")
    number = first.record_number
    assert ack.subject.startswith(f"[{number}] Received: ")
    assert ack.headers["In-Reply-To"] == "<ask@mail.example.com>"
    assert ack.headers["References"] == f"<ask@mail.example.com> <{number}@steward.local>"
    assert ack.headers["Auto-Submitted"] == "auto-generated"
    assert ack.headers["X-Steward-Request"] == number
    assert f"/catalog/requests/{number}/" in ack.body
    assert ack.record_type == "catalog.request"

    reply = mail_ingest(
        req_box,
        eml(to=REQUESTS, subject="Re: thanks", body="Also a dock.",
            headers={"In-Reply-To": ack.message_id}),
    )  # fmt: skip

    assert reply.status == "commented", reply.reason
    assert reply.record_type == "catalog.request"
    assert reply.record_number == number
    assert [c.body for c in _comments(Request.objects.get(number=number))][-1] == "Also a dock."
    assert Request.objects.count() == 1


def test_a_reply_threads_by_the_number_in_the_subject(req_box, alice):
    first = mail_ingest(req_box, eml(to=REQUESTS))
    reply = mail_ingest(
        req_box, eml(to=REQUESTS, subject=f"Re: [{first.record_number}] hello", body="Any news?")
    )
    assert reply.status == "commented"
    assert reply.record_number == first.record_number
    assert Request.objects.count() == 1


def test_an_agents_public_reply_goes_out_threaded_under_the_requesters_mail(req_box, alice):
    first = mail_ingest(req_box, eml(to=REQUESTS, message_id="<ask2@mail.example.com>"))
    agent = factories.agent(username="ann", email="ann@example.com")
    catalog_services.request_comment(
        Actor(user=agent), number=first.record_number, body="Which model?"
    )
    catalog_services.request_comment(
        Actor(user=agent), number=first.record_number, body="(note)", internal=True
    )
    outbox.dispatch_pending()

    (sent,) = OutgoingMail.objects.filter(kind="request_reply")
    assert sent.recipient == "alice@example.com"
    assert "Which model?" in sent.body
    assert sent.subject.startswith(f"[{first.record_number}] ")
    assert sent.headers["In-Reply-To"] == "<ask2@mail.example.com>"
    assert sent.headers["References"].split() == [
        "<ask2@mail.example.com>",
        f"<{first.record_number}@steward.local>",
    ]
    assert sent.headers["Reply-To"] == REQUESTS
    assert sent.headers["Auto-Submitted"] == "auto-generated"
    # the step mail ("received") threads the same way
    received = OutgoingMail.objects.get(kind="request_received")
    assert received.headers["In-Reply-To"] == "<ask2@mail.example.com>"

    answer = mail_ingest(
        req_box,
        eml(to=REQUESTS, subject="Re: x", body="The 27 inch.\n\nOn Mon, ann wrote:\n> Which?",
            headers={"In-Reply-To": sent.message_id}),
    )  # fmt: skip
    assert answer.status == "commented"
    assert _comments(Request.objects.get(number=first.record_number))[-1].body == "The 27 inch."


def test_the_requester_gets_no_mail_of_their_own_reply(req_box, alice):
    mail_ingest(req_box, eml(to=REQUESTS))
    outbox.dispatch_pending()
    assert not OutgoingMail.objects.filter(kind="request_reply").exists()


def test_a_reply_to_a_closed_request_opens_a_linked_follow_up(req_box, alice):
    first = mail_ingest(req_box, eml(to=REQUESTS, message_id="<old@mail.example.com>"))
    Request.objects.filter(number=first.record_number).update(status="completed")

    again = mail_ingest(
        req_box,
        eml(to=REQUESTS, subject="Re: done?", body="It broke again.",
            headers={"In-Reply-To": "<old@mail.example.com>"}),
    )  # fmt: skip

    assert again.status == "created"
    assert again.record_type == "catalog.request"
    assert again.record_number != first.record_number
    follow_up = Request.objects.get(number=again.record_number)
    assert _comments(follow_up)[0].body.startswith(
        f"Follow-up to {first.record_number}, which is closed."
    )
    entries = AuditEntry.objects.filter(object_id=str(follow_up.pk), content_type=_ct(Request))
    assert [e.changes["follow_up_of"] for e in entries if "follow_up_of" in e.changes] == [
        [None, first.record_number]
    ]


def test_a_reply_by_someone_who_may_not_see_the_request_opens_their_own(req_box, alice, bob):
    first = mail_ingest(req_box, eml(to=REQUESTS))
    other = mail_ingest(
        req_box,
        eml(sender="bob@example.com", to=REQUESTS, subject=f"Re: [{first.record_number}] x"),
    )
    assert other.status == "created"
    assert other.record_number != first.record_number
    assert Request.objects.get(number=other.record_number).requester == bob
    assert len(_comments(Request.objects.get(number=first.record_number))) == 1


def test_an_incident_mailbox_threads_replies_onto_requests_too(mailbox, req_box, alice):
    first = mail_ingest(req_box, eml(to=REQUESTS))
    reply = mail_ingest(mailbox, eml(subject=f"Re: [{first.record_number}]", body="More."))
    assert reply.status == "commented"
    assert reply.record_type == "catalog.request"
    assert not Incident.objects.exists()


def test_a_sender_outside_the_items_audience_is_quarantined_with_the_reason(general, alice):
    org = factories.OrganisationFactory(name="Other", slug="other")
    catalog_services.item_update(
        SYSTEM,
        slug=general.slug,
        expected_version=general.version,
        changes={"audience": "organisations", "audience_organisations": [org.slug]},
    )
    box = mailbox_create(
        SYSTEM, name="R", address=REQUESTS, kind="pipe", record_type="request",
        catalog_item=general.slug,
    )  # fmt: skip
    message = mail_ingest(box, eml(to=REQUESTS))
    assert message.status == "quarantined"
    assert "item" in message.reason
    assert not Request.objects.exists()
    assert not Comment.objects.exists()


def test_a_request_mailbox_needs_an_item_without_required_questions(general, fulfil):
    with pytest.raises(ValidationFailed) as refused:
        mailbox_create(SYSTEM, name="R", address=REQUESTS, kind="pipe", record_type="request")
    assert "catalog_item" in refused.value.fields
    strict = catalog_services.item_create(
        SYSTEM,
        name="Strict",
        form=[{"key": "why", "label": "Why", "type": "text", "required": True}],
    )
    with pytest.raises(ValidationFailed) as refused:
        mailbox_create(
            SYSTEM, name="R", address=REQUESTS, kind="pipe", record_type="request",
            catalog_item=strict.slug,
        )  # fmt: skip
    assert "why" in refused.value.fields["catalog_item"][0]
    with pytest.raises(ValidationFailed) as refused:
        mailbox_create(SYSTEM, name="R", address=REQUESTS, kind="pipe", record_type="ticket")
    assert "record_type" in refused.value.fields
    assert not InboundMessage.objects.exists()


def test_switching_a_mailbox_to_requests_is_audited(mailbox, general):
    changed = mailbox_update(
        SYSTEM,
        slug=mailbox.slug,
        expected_version=mailbox.version,
        changes={"record_type": "request", "catalog_item": general.slug},
    )
    assert changed.record_type == "request"
    entry = AuditEntry.objects.filter(
        object_id=str(mailbox.pk), content_type=_ct(type(mailbox))
    ).latest("id")
    assert entry.changes["record_type"] == ["incident", "request"]
    assert entry.changes["catalog_item"] == [None, general.pk]
