"""Mail fixtures: a service-desk mailbox, people who write to it, and real messages built
with the standard library (``eml``), as a mail server would hand them over."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from steward.core.actor import Actor
from steward.mailboxes import services
from tests import factories

SYSTEM = Actor.system("tests")
DESK = "desk@example.com"


def eml(
    *,
    sender: str = "Alice Example <alice@example.com>",
    to: str = DESK,
    subject: str = "Printer on floor 3 is jammed",
    body: str | None = "The printer says paper jam in tray 2.",
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A message as bytes: text and/or HTML body, attachments (name, type, data)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


@pytest.fixture
def alice(db):
    return factories.requester(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    return factories.requester(username="bob", email="bob@example.com")


@pytest.fixture
def desk_team(db):
    return factories.TeamFactory(name="Service Desk", slug="service-desk")


@pytest.fixture
def mailbox(db, desk_team):
    return services.mailbox_create(
        SYSTEM, name="Desk", address=DESK, kind="pipe", team=desk_team.slug
    )


@pytest.fixture
def open_mailbox(db):
    """A mailbox that takes mail from strangers, as new requesters of an organisation."""
    org = factories.OrganisationFactory(name="Acme", slug="acme")
    return services.mailbox_create(
        SYSTEM,
        name="Open desk",
        address="help@example.com",
        kind="pipe",
        allow_new_requesters=True,
        organisation=org.slug,
    )
