"""Stock-taking: a count of a stock room or location, and the assets scanned in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from steward.assets.models.hardware import Asset, StockRoom
from steward.core.models import Location


class StockCount(models.Model):
    stock_room = models.ForeignKey(
        StockRoom, null=True, blank=True, on_delete=models.CASCADE, related_name="counts"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock_room__isnull=False) | models.Q(location__isnull=False),
                name="stock_count_has_a_place",
            )
        ]

    def __str__(self) -> str:
        return f"count {self.pk}"


class StockCountSeen(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="seen")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["count", "asset"], name="stock_count_seen_once")
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.asset_id}"
