"""Outgoing mail: the one "sent once" table every app's notifications go through."""

from django.db import models

from steward.core.models.delivery import Retried


class OutgoingMail(Retried):
    """One rendered mail to one address; the unique (key, recipient, kind) sends it once.

    ``key`` names what the mail is once per: usually the outbox event (``event:42``), or a
    record when a recipient is told once however often the event recurs (``problem:7``).
    The row is claimed before the SMTP call and marked sent after it, outside any lock.
    """

    key = models.CharField(max_length=200)
    recipient = models.EmailField()
    kind = models.CharField(max_length=40)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # the Message-ID it goes out with, indexed: a reply's In-Reply-To/References finds the
    # record it answers (steward/mailboxes threading)
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta(Retried.Meta):
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient", "kind"], name="mail_once")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="mail_unsent"
            ),
            models.Index(fields=["record_type", "record_id"], name="mail_by_record"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"
