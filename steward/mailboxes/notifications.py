"""Mail about mail: the acknowledgement of a new record, and the one automatic answer to a
sender the mailbox does not accept. Both carry Auto-Submitted (``core.mail``).

The rejection goes out once per sender and day (the outgoing mail's unique key), so a forged sender
gets at most one message from us a day, and it is marked ``Auto-Submitted: auto-replied``
(RFC 3834) so that no well-behaved system answers it."""

from __future__ import annotations

import string

from django.conf import settings
from django.utils import timezone

from steward.catalog.models import Request
from steward.core import mail, outbox
from steward.core.models import OutboxMessage
from steward.incidents.models import Incident
from steward.mailboxes import selectors
from steward.mailboxes.models import InboundMessage


@mail.threader
def record_thread(record: object) -> mail.Thread:
    """An incident's or a request's mail thread as received by mailboxes: an agent's reply
    from the UI then threads under the caller's own message, and the caller's answer goes to
    the mailbox."""
    if not isinstance(record, Incident | Request):
        return mail.Thread()
    received, address = selectors.record_thread(record._meta.label_lower, record.number)
    return mail.Thread(tuple(received), address)


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
    # a stranger is no one's profile: the site's language, as for any bare address
    subject, body = mail.render(
        "mailboxes/email/rejected.txt", context, language=mail.language_of(None)
    )
    mail.queue(
        key=f"mail-rejected:{message.sender}:{timezone.now():%Y-%m-%d}",
        kind="mail_rejected",
        record=message,
        mails=[
            mail.Mail(
                recipient=message.sender,
                subject=subject,
                body=body.strip() + "\n",
                headers={
                    "From": message.mailbox.address,  # the address they wrote to
                    "Auto-Submitted": "auto-replied",
                    "In-Reply-To": message.message_id,
                    "References": message.message_id,
                },
            )
        ],
    )


# what an acknowledgement names, per record type: the model, its page and its header
ACKNOWLEDGED = {
    "incidents.incident": (Incident, "/incidents/{}/", "X-Steward-Incident"),
    "catalog.request": (Request, "/catalog/requests/{}/", "X-Steward-Request"),
}


@outbox.consumer("mail.acknowledged")
def on_acknowledged(event: OutboxMessage) -> None:
    """One acknowledgement per received message, threaded under it: the caller's reply to it
    comes back with its Message-ID in In-Reply-To, which Steward recorded for the record."""
    messages = InboundMessage.objects.select_related("mailbox", "caller")
    message = messages.filter(pk=event.object_id).first()
    model, page, header = ACKNOWLEDGED[event.payload.get("record_type") or "incidents.incident"]
    record = model.objects.filter(number=event.payload.get("number", "")).first()
    if message is None or record is None or not message.sender:
        return
    link = settings.BASE_URL + page.format(record.number)
    context = {
        "record": record,
        "subject": message.subject,
        "address": message.mailbox.address,
        "link": link,
    }
    # in the language of the person who wrote (their profile's; a new one reads the site's)
    subject, body = mail.render(
        "mailboxes/email/acknowledgement.txt", context, language=mail.language_of(message.caller)
    )
    if message.mailbox.acknowledgement_text:
        # the administrator's text: placeholders only (checked when saved), plain text out
        body = string.Template(message.mailbox.acknowledgement_text).safe_substitute(
            number=record.number,
            title=record.title,
            subject=message.subject,
            link=link,
            address=message.mailbox.address,
        )
    references = f"{message.message_id} <{record.number}@steward.local>"
    mail.queue(
        key=f"mail-ack:{message.pk}",
        kind="mail_acknowledgement",
        record=record,
        mails=[
            mail.Mail(
                recipient=message.sender,
                subject=f"[{record.number}] {subject}",
                body=body.strip() + "\n",
                headers={
                    "From": message.mailbox.address,
                    "In-Reply-To": message.message_id,
                    "References": references,
                    "Reply-To": message.mailbox.address,
                    header: record.number,
                },
            )
        ],
    )
