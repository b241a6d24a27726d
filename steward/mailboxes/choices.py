"""Mailbox kinds and what became of an incoming message."""

from django.db import models


class MailboxKind(models.TextChoices):
    IMAP = "imap", "IMAP (polled)"
    PIPE = "pipe", "Pipe / LMTP (delivered by the mail server)"


class RecordType(models.TextChoices):
    """What a new mail opens."""

    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Request (a catalogue item)"


class MessageStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CREATED = "created", "Opened a record"
    COMMENTED = "commented", "Added to a record"
    IGNORED = "ignored", "Ignored (automatic mail or loop)"
    REJECTED = "rejected", "Rejected (unknown sender)"
    QUARANTINED = "quarantined", "Quarantined"
    DISCARDED = "discarded", "Discarded"


# outcomes after which a message is never looked at again by a poll or a retry
FINAL = (
    MessageStatus.CREATED,
    MessageStatus.COMMENTED,
    MessageStatus.IGNORED,
    MessageStatus.REJECTED,
    MessageStatus.DISCARDED,
)

BADGES = {
    MessageStatus.RECEIVED: "new",
    MessageStatus.CREATED: "resolved",
    MessageStatus.COMMENTED: "resolved",
    MessageStatus.IGNORED: "closed",
    MessageStatus.REJECTED: "cancelled",
    MessageStatus.QUARANTINED: "on_hold",
    MessageStatus.DISCARDED: "closed",
}
