"""End to end over real sockets: mail comes in through the LMTP listener (as Postfix hands
it over) and Steward's own mail goes out to a real SMTP server (an aiosmtpd sink), sent by
the normal outbox dispatch and mail sweep. A new mail opens an incident and gets exactly one
acknowledgement; the caller's reply threads; an agent's reply reaches the caller threaded
under the caller's messages; an auto-reply loop stops; a message delivered twice is one
record."""

from __future__ import annotations

import smtplib

import pytest

from steward.core import mail, outbox
from steward.core.actor import Actor
from steward.incidents import services as incident_services
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mailbox_create
from steward.mailboxes.services.lmtp import lmtp_controller
from tests import factories
from tests.mailboxes.conftest import SYSTEM, eml
from tests.mailboxes.servers import free_port, smtp_sink

pytestmark = pytest.mark.django_db(transaction=True)
DESK = "desk@example.com"


@pytest.fixture
def world(settings):
    """alice, a desk mailbox open to strangers, the LMTP listener and the SMTP sink."""
    factories.requester(username="alice", email="alice@example.com")
    mailbox_create(SYSTEM, name="Desk", address=DESK, kind="pipe", allow_new_requesters=True)
    port = free_port()
    listener = lmtp_controller("127.0.0.1", port)
    listener.start()
    with smtp_sink(settings) as sink:
        client = smtplib.LMTP("127.0.0.1", port)
        yield client, sink
        client.quit()
    listener.stop()


def _deliver(client: smtplib.LMTP, raw: bytes, sender: str = "alice@example.com") -> None:
    assert client.sendmail(sender, [DESK], raw) == {}


def _send_all() -> None:
    """What the worker does after a commit: dispatch the outbox, then send queued mail."""
    outbox.dispatch_pending()
    mail.send_pending()


def test_a_conversation_by_mail(world):
    client, sink = world
    _deliver(client, eml(message_id="<q1@mail.example.com>", subject="VPN is down"))
    _send_all()
    _send_all()  # a second sweep sends nothing again

    (ack,) = sink.to("alice@example.com")
    number = Incident.objects.get().number
    assert ack["Subject"] == f"[{number}] Received: VPN is down"
    assert ack["From"] == DESK
    assert ack["In-Reply-To"] == "<q1@mail.example.com>"
    assert ack["Auto-Submitted"] == "auto-generated"

    # the caller answers the acknowledgement (quoting it): a comment, no second incident
    answer = eml(
        subject=f"Re: {ack['Subject']}",
        body="It started at nine.\n\n> we have received your message",
        message_id="<q2@mail.example.com>",
        headers={"In-Reply-To": ack["Message-ID"], "References": ack["References"]},
    )
    _deliver(client, answer)
    assert InboundMessage.objects.get(message_id="<q2@mail.example.com>").status == "commented"
    assert Incident.objects.count() == 1

    # an agent replies in the UI (the same service the page calls)
    agent = factories.agent(username="ann", email="ann@example.com")
    incident_services.incident_comment(Actor(user=agent), number=number, body="Restarted it.")
    _send_all()
    reply = sink.to("alice@example.com")[-1]
    assert reply["Subject"].startswith(f"[{number}] ")
    assert "Restarted it." in reply.get_content()
    assert reply["In-Reply-To"] == "<q2@mail.example.com>"
    assert reply["References"].split()[:2] == ["<q1@mail.example.com>", "<q2@mail.example.com>"]
    assert reply["Reply-To"] == DESK
    assert len(sink.received) == 2  # the acknowledgement and the reply, nothing else


def test_the_same_message_delivered_twice_is_one_record_and_one_acknowledgement(world):
    client, sink = world
    raw = eml(message_id="<twice@mail.example.com>")
    _deliver(client, raw)
    _deliver(client, raw)
    _send_all()
    assert Incident.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert len(sink.to("alice@example.com")) == 1


def test_an_auto_reply_loop_stops(world, settings):
    """A stranger's autoresponder answers every acknowledgement: marked ones are ignored at
    once; one that marks nothing is stopped by the per-sender limit."""
    client, sink = world
    settings.MAIL_SENDER_LIMIT = 3
    bot = "bot@example.net"
    _deliver(client, eml(sender=bot, subject="Hello"), sender=bot)
    for n in range(8):
        _send_all()
        last = sink.to(bot)[-1]
        _deliver(
            client,
            eml(
                sender=bot,
                subject=f"Auto: {last['Subject']} {n}",
                body="I am away.",
                headers={"In-Reply-To": last["Message-ID"]},
            ),
            sender=bot,
        )
    _send_all()
    statuses = list(
        InboundMessage.objects.order_by("received_at", "id").values_list("status", flat=True)
    )
    assert statuses[:3] == ["created", "commented", "commented"]
    assert set(statuses[3:]) == {"quarantined"}
    assert len(sink.to(bot)) == 1  # one acknowledgement; the loop got nothing more

    marked = eml(sender=bot, subject="Out of office", headers={"Auto-Submitted": "auto-replied"})
    settings.MAIL_SENDER_LIMIT = 100
    _deliver(client, marked, sender=bot)
    assert InboundMessage.objects.order_by("-id").first().status == "ignored"
