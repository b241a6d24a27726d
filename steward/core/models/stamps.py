"""Version stamps: what a process's caches compare against to know they are still current."""

from __future__ import annotations

from django.db import models


class CacheStamp(models.Model):
    """One counter per cached thing (``auth``, ``incident_config`` …), bumped by the writes that
    change it, in their transaction: every process sees the bump with the change, at once."""

    name = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"
