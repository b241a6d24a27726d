"""Mailbox kinds and what became of an incoming message."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class MailboxKind(models.TextChoices):
    IMAP = "imap", _("IMAP (polled)")
    PIPE = "pipe", _("Pipe / LMTP (delivered by the mail server)")


class RecordType(models.TextChoices):
    """What a new mail opens."""

    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Request (a catalogue item)")


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CREATED = "created", _("Opened a record")
    COMMENTED = "commented", _("Added to a record")
    IGNORED = "ignored", _("Ignored (automatic mail or loop)")
    REJECTED = "rejected", _("Rejected (unknown sender)")
    QUARANTINED = "quarantined", _("Quarantined")
    DISCARDED = "discarded", _("Discarded")


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


# the mail lists' column labels, for the catalogue (``columns`` translates them when shown)
COLUMN_LABELS = (
    gettext_noop("Address"),
    gettext_noop("Kind"),
    gettext_noop("Last poll"),
    gettext_noop("Received"),
    gettext_noop("Sender"),
    gettext_noop("Subject"),
    gettext_noop("Outcome"),
    gettext_noop("Record"),
)
