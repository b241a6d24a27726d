"""Replies both ways: an agent's reply in the UI goes to the caller threaded under the
caller's own message; the caller's Cc become watchers who may answer; a reply's comment holds
only the new text (quotes and signatures stripped), the full message stays stored."""

from __future__ import annotations

import pytest
from django.test import override_settings

from steward.core import outbox
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Comment, OutgoingMail, User
from steward.incidents import selectors as incident_selectors
from steward.incidents import services as incident_services
from steward.incidents.models import Incident
from steward.mailboxes.services import mail_ingest
from steward.mailboxes.services.parsing import latest_reply
from tests import factories
from tests.mailboxes.conftest import DESK, eml

pytestmark = pytest.mark.django_db

QUOTED = (
    "Tray 2, as I said.\n\n"
    "On Thu, 3 Dec 2026 at 10:00, Service Desk <desk@example.com> wrote:\n"
    "> Which tray?\n> \n> Ann\n"
)


@pytest.fixture
def opened(mailbox, alice, bob):
    message = mail_ingest(
        mailbox,
        eml(message_id="<first@mail.example.com>", headers={"Cc": "Bob <bob@example.com>"}),
    )
    return Incident.objects.get(number=message.record_number)


def _agent_reply(incident: Incident, body: str = "Which tray?") -> None:
    agent = User.objects.filter(username="ann").first() or factories.agent(
        username="ann", email="ann@example.com"
    )
    incident_services.incident_comment(Actor(user=agent), number=incident.number, body=body)
    outbox.dispatch_pending()


@override_settings(BASE_URL="https://desk.example.org")
def test_an_agents_reply_threads_under_the_callers_message(mailbox, opened):
    _agent_reply(opened)
    sent = OutgoingMail.objects.get(kind="public_reply", recipient="alice@example.com")
    assert sent.headers["In-Reply-To"] == "<first@mail.example.com>"
    assert sent.headers["References"] == f"<first@mail.example.com> <{opened.number}@steward.local>"
    assert sent.headers["Reply-To"] == DESK
    assert sent.subject.startswith(f"[{opened.number}] ")
    assert f"https://desk.example.org/incidents/{opened.number}/" in sent.body

    # the caller answers; the next reply threads under that answer, the first still listed
    answer = eml(
        subject=f"Re: {sent.subject}",
        body=QUOTED,
        message_id="<second@mail.example.com>",
        headers={"In-Reply-To": sent.message_id, "References": sent.headers["References"]},
    )
    assert mail_ingest(mailbox, answer).status == "commented"
    _agent_reply(opened, "Thanks, on my way.")
    latest = OutgoingMail.objects.filter(kind="public_reply", recipient="alice@example.com")
    last = latest.order_by("-id").first()
    assert last.headers["In-Reply-To"] == "<second@mail.example.com>"
    assert last.headers["References"].split() == [
        "<first@mail.example.com>",
        "<second@mail.example.com>",
        f"<{opened.number}@steward.local>",
    ]


def test_a_reply_comment_holds_only_the_new_text(mailbox, opened):
    message = mail_ingest(mailbox, eml(subject=f"Re: [{opened.number}] printer", body=QUOTED))
    comment = Comment.objects.get(pk=message.comment_id)
    assert comment.body == "Tray 2, as I said."
    assert b"Which tray?" in bytes(message.raw)  # the whole message stays downloadable


def test_cc_recipients_who_are_known_become_watchers_and_may_reply(mailbox, opened, bob):
    assert list(opened.watchers.all()) == [bob]
    bobs = incident_selectors.incident_visible(Actor(user=bob))
    assert list(bobs.values_list("number", flat=True)) == [opened.number]

    _agent_reply(opened)
    told = set(OutgoingMail.objects.filter(kind="public_reply").values_list("recipient", flat=True))
    assert told == {"alice@example.com", "bob@example.com"}

    reply = eml(sender="Bob <bob@example.com>", subject=f"Re: [{opened.number}] x", body="Me too.")
    message = mail_ingest(mailbox, reply)
    assert message.status == "commented"
    assert Comment.objects.get(pk=message.comment_id).author == bob


def test_unknown_cc_and_own_addresses_do_not_watch(mailbox, alice):
    message = mail_ingest(
        mailbox, eml(headers={"Cc": f"stranger@example.net, {DESK}, alice@example.com"})
    )
    assert not Incident.objects.get(number=message.record_number).watchers.exists()


def test_a_stranger_may_not_add_watchers(opened):
    eve = factories.requester(username="eve", email="eve@example.com")
    with pytest.raises(NotFound):
        incident_services.incident_watchers_add(Actor(user=eve), number=opened.number, users=[eve])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (QUOTED, "Tray 2, as I said."),
        ("Fixed.\n\n-----Original Message-----\nFrom: Desk\nSubject: x\n\nold\n", "Fixed."),
        (
            "Danke.\n\nAm 03.12.2026 um 10:00 schrieb Desk <desk@example.com>:\n> alt\n",
            "Danke.",
        ),
        ("No quote here.\nSecond line.", "No quote here.\nSecond line."),
        ("> only a quote\n> nothing new", "> only a quote\n> nothing new"),
    ],
)
def test_latest_reply(text, expected):
    assert latest_reply(text) == expected
