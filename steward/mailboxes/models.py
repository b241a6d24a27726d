"""Mailboxes (configured by administrators) and every message they received."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from steward.catalog.models import CatalogItem
from steward.core.models import Organisation, Team
from steward.core.models.base import VersionedModel
from steward.incidents.models import Category
from steward.mailboxes.choices import MailboxKind, MessageStatus, RecordType


class Mailbox(VersionedModel):
    """An address Steward reads: polled over IMAP, or handed messages by the mail server."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    address = models.EmailField(unique=True)
    kind = models.CharField(max_length=10, choices=MailboxKind.choices)
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_tls = models.BooleanField(default=True)
    imap_folder = models.CharField(max_length=200, default="INBOX")
    imap_username = models.CharField(max_length=255, blank=True)
    # write-only: no page, schema or audit entry ever shows it (services drop it from diffs)
    imap_password = models.CharField(max_length=500, blank=True)
    poll_seconds = models.PositiveIntegerField(default=60)
    # what a new mail opens: an incident, or a request of ``catalog_item`` (ordered as the
    # sender, through the catalogue's own service: audience, form, approvals and tasks)
    record_type = models.CharField(
        max_length=10, choices=RecordType.choices, default=RecordType.INCIDENT
    )
    catalog_item = models.ForeignKey(
        CatalogItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allow_new_requesters = models.BooleanField(default=False)
    acknowledge = models.BooleanField(default=True)  # mail the sender a new record's number
    # the acknowledgement's body: string.Template placeholders only (ACK_PLACEHOLDERS), no
    # template language an administrator's text could reach code or data through
    acknowledgement_text = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InboundMessage(models.Model):
    """One message as received (kept raw for audit and retry) and what became of it.

    The unique (mailbox, message_id) makes a second delivery of the same message a no-op;
    a message without a Message-ID is keyed by the hash of its bytes."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    message_id = models.CharField(max_length=250)
    received_at = models.DateTimeField(auto_now_add=True)
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    html = models.TextField(blank=True)  # the HTML body, sanitised (nh3), beside the text
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.RECEIVED
    )
    reason = models.TextField(blank=True)  # why ignored, rejected or quarantined
    attempts = models.PositiveIntegerField(default=0)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record_type = models.CharField(max_length=100, blank=True)
    record_number = models.CharField(max_length=40, blank=True, db_index=True)
    comment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"], name="inbound_once")
        ]
        indexes = [
            models.Index(fields=["message_id"], name="inbound_by_message_id"),
            models.Index(fields=["sender", "received_at"], name="inbound_by_sender"),
            models.Index(fields=["status", "received_at"], name="inbound_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"
