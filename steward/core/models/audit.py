"""The append-only audit log and the transactional outbox."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from steward.core.choices import AuditAction, Channel
from steward.core.models.delivery import Retried
from steward.core.models.people import User


class AuditEntry(models.Model):
    """Who changed what, when, through which channel: field-level before and after.

    Append-only: database triggers refuse UPDATE and DELETE (see migration 0002).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    request_id = models.CharField(max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    changes = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} by {self.actor_label}"


class OutboxMessage(Retried):
    """A domain event written with the change; the worker dispatches it after commit."""

    topic = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta(Retried.Meta):
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(dispatched_at__isnull=True), name="outbox_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.object_type}:{self.object_id}"
