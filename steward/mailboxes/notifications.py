"""Mail about mail: the one automatic answer, to a sender the mailbox does not accept.

It goes out once per sender and day (the outgoing mail's unique key), so a forged sender
gets at most one message from us a day, and it is marked ``Auto-Submitted: auto-replied``
(RFC 3834) so that no well-behaved system answers it."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from steward.core import mail, outbox
from steward.core.models import OutboxMessage
from steward.mailboxes.models import InboundMessage


@outbox.consumer("mail.rejected")
def on_rejected(event: OutboxMessage) -> None:
    message = InboundMessage.objects.select_related("mailbox").filter(pk=event.object_id).first()
    if message is None or not message.sender:
        return
    context = {
        "address": message.mailbox.address,
        "sender": message.sender,
        "subject": message.subject,
        "base_url": settings.BASE_URL,
    }
    subject, _, body = render_to_string("mailboxes/email/rejected.txt", context).partition("\n")
    mail.queue(
        key=f"mail-rejected:{message.sender}:{timezone.now():%Y-%m-%d}",
        kind="mail_rejected",
        record=message,
        mails=[
            mail.Mail(
                recipient=message.sender,
                subject=subject.strip(),
                body=body.strip() + "\n",
                headers={
                    "Auto-Submitted": "auto-replied",
                    "In-Reply-To": message.message_id,
                    "References": message.message_id,
                },
            )
        ],
    )
