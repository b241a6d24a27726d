"""The quarantine: an administrator retries a message (after fixing what stopped it) or
discards it. Either is audited; neither happens on its own."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit
from steward.core.actor import Actor
from steward.core.errors import IllegalTransition
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
