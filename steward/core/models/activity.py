"""Activity stream entries and attachments, on any record."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from steward.core.choices import Channel
from steward.core.models.people import User


class Comment(models.Model):
    """A public reply or an internal work note on a record; Markdown kept and sanitised HTML."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="comments")
    body = models.TextField()
    body_html = models.TextField()
    internal = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{'note' if self.internal else 'reply'} by {self.author}"


class Attachment(models.Model):
    """A file on a record; served only as a download, never rendered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=200)
    filename = models.CharField(max_length=200)
    media_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return self.filename
