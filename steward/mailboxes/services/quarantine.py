"""The quarantine: an administrator retries a message (after fixing what stopped it),
releases one held because its known sender was not authenticated (vouching for it), or
discards it. Each is audited; none happens on its own."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit
from steward.core.actor import Actor
from steward.core.errors import Conflict, IllegalTransition
from steward.core.services.common import require_admin
from steward.mailboxes import selectors
from steward.mailboxes.choices import MessageStatus
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services.ingest import reprocess
from steward.mailboxes.workflow import MESSAGE_FLOW


@transaction.atomic
def message_retry(actor: Actor, *, pk: int) -> InboundMessage:
    """Run a quarantined message through ingestion again (without the sender rate limit)."""
    # only administrators see messages: anyone else gets 404, as for an absent one
    message = selectors.message_get(actor, pk=pk, for_update=True)
    require_admin(actor, _("retry quarantined mail"))
    if message.status != MessageStatus.QUARANTINED:
        raise IllegalTransition(message.status, "retry", MESSAGE_FLOW.allowed(message.status))
    return reprocess(message)


# what a released message may have become: a second release answers it as it is
_PROCESSED = (
    MessageStatus.CREATED,
    MessageStatus.COMMENTED,
    MessageStatus.IGNORED,
    MessageStatus.REJECTED,
)


@transaction.atomic
def message_release(actor: Actor, *, pk: int) -> InboundMessage:
    """Let in a message quarantined because the mail server did not authenticate its known
    sender (decision 0093): the administrator vouches for the From, and it is processed as
    it would have been (the incident it opens, the reply it adds). Once: a message no
    longer held (released already) is answered as it is; one held for another reason is
    refused (Retry is for that)."""
    message = selectors.message_get(actor, pk=pk, for_update=True)
    require_admin(actor, _("release quarantined mail"))
    if message.status in _PROCESSED:
        return message
    if message.status != MessageStatus.QUARANTINED:
        raise IllegalTransition(message.status, "release", MESSAGE_FLOW.allowed(message.status))
    if not selectors.held_unauthenticated(message):
        raise Conflict(
            _("Only mail held because its sender was not authenticated is released; retry it."),
            fields={"status": [_("held for another reason")]},
        )
    reason = message.reason
    reprocess(message, vouched=True)
    audit.record(
        actor,
        message,
        before={"status": MessageStatus.QUARANTINED, "released": None},
        after={"status": message.status, "released": reason},
    )
    return message


@transaction.atomic
def message_discard(actor: Actor, *, pk: int) -> InboundMessage:
    """Give up on a quarantined message; it stays stored for the audit trail."""
    message = selectors.message_get(actor, pk=pk, for_update=True)
    require_admin(actor, _("discard quarantined mail"))
    MESSAGE_FLOW.check(message, target=MessageStatus.DISCARDED, data={})
    before = {"status": message.status}
    message.status = MessageStatus.DISCARDED
    message.save(update_fields=["status"])
    audit.record(actor, message, before=before, after={"status": message.status})
    return message
