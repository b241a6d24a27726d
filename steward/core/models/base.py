"""Shared abstract bases and the numbering table."""

from django.db import models


class VersionedModel(models.Model):
    """A record edited by people: timestamps and a version for optimistic concurrency."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NumberSequence(models.Model):
    """The last number handed out per prefix (``INC`` → 1042); bumped under a row lock."""

    prefix = models.CharField(max_length=8, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}{self.last}"
