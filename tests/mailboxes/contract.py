"""The mail API in the contract registry: mailboxes and received messages are the
administrators' alone. ``tests/contract/registry.py`` imports them into ``RESOURCES``."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.models import User
from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import mail_ingest, mailbox_create
from tests.contract.registry import ROLES, Resource, _set, new_tag

SYSTEM = Actor.system("contract")
# configuration of the administrators': nobody else sees any of it, whoever it was made for
ADMINS_ONLY = {role: (set(ROLES) if role == "admin" else set()) for role in ROLES}


def make_mailbox(owner: User | None, tag: str) -> Mailbox:
    return mailbox_create(
        SYSTEM, name=f"Mailbox {tag}", address=f"box-{tag}@example.com", kind="pipe"
    )


def make_message(owner: User | None, tag: str) -> InboundMessage:
    mailbox = make_mailbox(owner, new_tag())
    raw = (
        f"From: sender-{tag}@example.net\r\nSubject: Subject {tag}\r\n"
        f"Message-ID: <{tag}@example.net>\r\n\r\nbody\r\n"
    ).encode()
    return mail_ingest(mailbox, raw)


def _other_inactive(match: Mailbox, other: Mailbox) -> str:
    _set(other, is_active=False)
    return "true"


def _match_imap(match: Mailbox, other: Mailbox) -> str:
    _set(match, kind="imap")
    return "imap"


def _match_quarantined(match: InboundMessage, other: InboundMessage) -> str:
    _set(match, status="quarantined")
    return "quarantined"


MAILBOXES = Resource(
    name="mailboxes",
    collection="/api/v1/mailboxes",
    model=Mailbox,
    key="slug",
    make=make_mailbox,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    writer="admin",
    delete=True,
    create_payload=lambda tag: {
        "name": f"New mailbox {tag}",
        "slug": f"new-box-{tag}",
        "address": f"new-{tag}@example.com",
        "kind": "imap",
        "imap_host": "imap.example.com",
    },
    patch_payload=lambda tag: {"name": f"Patched mailbox {tag}", "poll_seconds": 120},
    filters={
        "q": lambda match, other: match.address,
        "kind": _match_imap,
        "is_active": _other_inactive,
    },
)

MAIL_MESSAGES = Resource(
    name="mail-messages",
    collection="/api/v1/mail-messages",
    model=InboundMessage,
    key="id",
    make=make_message,
    visible=ADMINS_ONLY,
    list_query_ceiling=6,
    reader="admin",
    versioned=False,
    absent_key="999999999",
    filters={
        "status": _match_quarantined,
        "mailbox": lambda match, other: match.mailbox.slug,
        "q": lambda match, other: match.subject,
    },
)
