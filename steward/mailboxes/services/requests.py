"""What a message does to catalogue requests: a new request of the mailbox's item, a reply on
one, or a follow-up to a closed one. The request is ordered *as its sender* through the
catalogue's own service, so mail gets exactly the portal's checks (the item's audience and
form), approvals, tasks, audit entries and notifications."""

from __future__ import annotations

from steward.catalog import selectors as catalog_selectors
from steward.catalog import services as catalog_services
from steward.core import audit
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.models import User
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services.parsing import Parsed, Unreadable


def open_request(
    actor: Actor, mailbox: Mailbox, caller: User, parsed: Parsed, text: str, follow_up_of: str = ""
) -> tuple[str, int]:
    """A new request of the mailbox's item for the caller, titled by the subject; the mail's
    text is its first public reply (the item's form asks nothing a mail must answer).
    Returns the number and that reply's id (its page links the message from it)."""
    if mailbox.catalog_item is None:  # refused when saving; kept for a mailbox edited in SQL
        raise Unreadable("the mailbox opens requests but names no catalogue item")
    sender = Actor(user=caller, channel=Channel.EMAIL)
    request = catalog_services.request_order(
        sender, item=mailbox.catalog_item.slug, answers={}, title=parsed.subject or "(no subject)"
    )
    if follow_up_of:
        text = f"Follow-up to {follow_up_of}, which is closed.\n\n{text}"
        audit.record(actor, request, after={"follow_up_of": follow_up_of})
    comment = catalog_services.request_comment(
        sender, number=request.number, body=text, internal=False
    )
    return request.number, comment.pk


def request_state(sender: Actor, number: str) -> str | None:
    """The status of a request the sender may see (its requester, an approver, an agent
    serving its organisation), or None: absent and invisible alike."""
    found = catalog_selectors.request_visible(sender).filter(number=number)
    return found.values_list("status", flat=True).first()


def request_reply(sender: Actor, number: str, text: str) -> int:
    """The sender's mail as a public reply on the request; the comment's id."""
    return catalog_services.request_comment(sender, number=number, body=text, internal=False).pk
