"""Demo data: one pipe mailbox for the service desk (no IMAP server is needed to try it:
``steward mail ingest --mailbox service-desk < message.eml``)."""

from __future__ import annotations

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.mailboxes import selectors, services


def load() -> int:
    """Create the demo mailbox; a second call changes nothing. Returns how many were made."""
    actor = Actor.system("demo")
    if selectors.mailbox_by_name("service-desk") is not None:
        return 0
    desk = core_selectors.team_visible(actor).filter(slug="service-desk").first()
    services.mailbox_create(
        actor,
        name="Service desk",
        slug="service-desk",
        address="servicedesk@example.com",
        kind="pipe",
        team=desk.slug if desk else None,
        allow_new_requesters=True,
    )
    return 1
