"""Demo data: one pipe mailbox for the service desk (no IMAP server is needed to try it:
``steward mail ingest --mailbox service-desk < message.eml``)."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.mailboxes import selectors, services


def load(actor: Actor | None = None) -> None:
    actor = actor or Actor.system("demo")
    if selectors.mailbox_by_name("service-desk") is not None:
        return
    services.mailbox_create(
        actor,
        name="Service desk",
        slug="service-desk",
        address="servicedesk@example.com",
        kind="pipe",
        allow_new_requesters=True,
    )
