"""Threading: a reply lands on its incident by header, then by subject, only when the sender
may see the incident; anyone else's mail opens a record of its own."""

from __future__ import annotations

import pytest

from steward.core import outbox
from steward.core.actor import Actor
from steward.core.models import AuditEntry, Comment, OutgoingMail
from steward.incidents import services as incident_services
from steward.incidents.models import Incident
from steward.mailboxes.services import mail_ingest
from tests import factories
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(mailbox, alice):
    """Alice's incident, opened by her mail with a known Message-ID."""
    message = mail_ingest(mailbox, eml(message_id="<first@mail.example.com>"))
    return Incident.objects.get(number=message.record_number)


def _comments(incident: Incident) -> list[Comment]:
    return list(Comment.objects.filter(object_id=str(incident.pk)).order_by("id"))


def test_a_reply_to_stewards_notification_threads_by_in_reply_to(mailbox, opened, desk_team):
    agent = factories.agent(username="ann", email="ann@example.com")
    incident_services.incident_comment(
        Actor(user=agent), number=opened.number, body="Which tray?", internal=False
    )
    outbox.dispatch_pending()
    sent = OutgoingMail.objects.get(kind="public_reply", recipient="alice@example.com")
    assert sent.message_id == sent.headers["Message-ID"]
    assert sent.headers["Auto-Submitted"] == "auto-generated"

    reply = eml(
        subject="Re: your question", body="Tray 2.", headers={"In-Reply-To": sent.message_id}
    )
    message = mail_ingest(mailbox, reply)

    assert message.status == "commented"
    assert message.record_number == opened.number
    last = _comments(opened)[-1]
    assert last.pk == message.comment_id
    assert last.body == "Tray 2."
    assert last.author.username == "alice"
    assert last.channel == "email"
    assert not last.internal
    assert Incident.objects.count() == 1


def test_a_reply_threads_by_references_to_a_received_message(mailbox, opened):
    reply = eml(
        subject="Re: something else entirely",
        body="Still jammed.",
        headers={"References": "<unknown@elsewhere.example> <first@mail.example.com>"},
    )
    message = mail_ingest(mailbox, reply)

    assert message.status == "commented"
    assert message.record_number == opened.number
    assert _comments(opened)[-1].body == "Still jammed."


def test_a_reply_threads_by_the_number_in_the_subject(mailbox, opened):
    message = mail_ingest(mailbox, eml(subject=f"RE: [{opened.number}] printer", body="Fixed?"))

    assert message.status == "commented"
    assert _comments(opened)[-1].body == "Fixed?"


def test_a_strangers_reply_opens_their_own_incident(mailbox, opened, bob):
    message = mail_ingest(
        mailbox,
        eml(sender="bob@example.com", subject=f"Re: [{opened.number}]", body="me too",
            headers={"In-Reply-To": "<first@mail.example.com>"}),
    )  # fmt: skip

    assert message.status == "created"
    assert message.record_number != opened.number
    assert Incident.objects.get(number=message.record_number).caller == bob
    assert _comments(opened) == []


def test_an_agent_who_may_see_the_incident_replies_by_mail(mailbox, opened):
    agent = factories.agent(username="ann", email="ann@example.com")

    message = mail_ingest(
        mailbox, eml(sender="ann@example.com", subject=f"[{opened.number}]", body="On my way.")
    )

    assert message.status == "commented"
    comment = _comments(opened)[-1]
    assert comment.author == agent
    assert not comment.internal
    opened.refresh_from_db()
    assert opened.first_response_at == comment.created_at  # an agent's reply is the response


def test_an_agent_of_another_organisation_does_not_reach_the_incident(mailbox, opened, alice):
    home = factories.OrganisationFactory(slug="home")
    alice.organisation = home
    alice.save()
    Incident.objects.filter(pk=opened.pk).update(organisation=home)
    outsider = factories.agent(username="out", email="out@example.com")
    outsider.served_organisations.set([factories.OrganisationFactory(slug="elsewhere")])

    message = mail_ingest(
        mailbox, eml(sender="out@example.com", subject=f"[{opened.number}]", body="peek")
    )

    assert message.status == "created"
    assert message.record_number != opened.number
    assert _comments(opened) == []


def test_a_reply_to_a_closed_incident_opens_a_follow_up(mailbox, opened):
    Incident.objects.filter(pk=opened.pk).update(status="closed")

    message = mail_ingest(mailbox, eml(subject=f"Re: [{opened.number}] again", body="Back."))

    follow_up = Incident.objects.get(number=message.record_number)
    assert message.status == "created"
    assert follow_up.pk != opened.pk
    assert follow_up.description.startswith(f"Follow-up to {opened.number}, which is closed.")
    assert follow_up.description.endswith("Back.")
    entry = AuditEntry.objects.filter(object_id=str(follow_up.pk), action="update").get(
        changes__has_key="follow_up_of"
    )
    assert entry.changes["follow_up_of"] == [None, opened.number]
    assert _comments(opened) == []


def test_an_unknown_number_in_the_subject_opens_a_new_incident(mailbox, alice):
    message = mail_ingest(mailbox, eml(subject="[INC9999999] is this yours?"))

    assert message.status == "created"
    assert message.record_number != "INC9999999"


def test_a_new_record_is_acknowledged_once_and_a_reply_to_that_threads(mailbox, alice, mailoutbox):
    raw = eml(subject="Mail & calendar down", message_id="<ack-me@mail.example.com>")
    first = mail_ingest(mailbox, raw)
    mail_ingest(mailbox, raw)  # delivered again: nothing new
    outbox.dispatch_pending()

    (ack,) = mailoutbox
    assert ack.to == ["alice@example.com"]
    assert ack.subject == f"[{first.record_number}] Received: Mail & calendar down"
    assert ack.extra_headers["In-Reply-To"] == "<ack-me@mail.example.com>"
    assert ack.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"recorded it as {first.record_number}" in ack.body
    sent = OutgoingMail.objects.get(kind="mail_acknowledgement")

    reply = mail_ingest(
        mailbox,
        eml(subject="Re: Received", body="More detail.", headers={"In-Reply-To": sent.message_id}),
    )

    assert reply.status == "commented"
    assert reply.record_number == first.record_number


def test_replies_and_mailboxes_without_acknowledgement_get_none(mailbox, opened):
    mail_ingest(mailbox, eml(subject=f"Re: [{opened.number}]", body="a reply"))
    mailbox.acknowledge = False
    mailbox.save()
    unacknowledged = mail_ingest(mailbox, eml(subject="another one"))
    outbox.dispatch_pending()

    acks = OutgoingMail.objects.filter(kind="mail_acknowledgement")
    assert unacknowledged.status == "created"
    assert list(acks.values_list("record_id", flat=True)) == [str(opened.pk)]


def test_an_automation_rules_mail_threads_under_the_callers_message(mailbox, admin_actor):
    """A rule's ``notify`` mail to the requester answers their own message and routes the
    reply back through the mailbox, as the incident's other mail does: a reply to it lands on
    the incident by In-Reply-To, not as a stranger's new record."""
    from steward.automation import services as automation

    automation.rule_create(
        admin_actor,
        name="Tell the caller",
        conditions=[],
        actions=[{"action": "notify", "value": "requester"}],
    )
    factories.requester(username="alice", email="alice@example.com")
    message = mail_ingest(mailbox, eml(message_id="<first@mail.example.com>"))
    outbox.dispatch_pending()
    sent = OutgoingMail.objects.get(kind="automation_notify", recipient="alice@example.com")
    assert sent.headers["In-Reply-To"] == "<first@mail.example.com>"
    assert sent.headers["References"].split() == [
        "<first@mail.example.com>",
        f"<{message.record_number}@steward.local>",
    ]
    assert sent.headers["Reply-To"] == "desk@example.com"

    reply = eml(subject="Re: thanks", body="Still down.", headers={"In-Reply-To": sent.message_id})
    assert mail_ingest(mailbox, reply).record_number == message.record_number
