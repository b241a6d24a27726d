"""IT asset disposition: how a retired asset left, proof its data was destroyed, and who
held it on the way."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from steward.assets.choices import DispositionMethod, Sanitisation
from steward.assets.models.hardware import Asset
from steward.core.models import Attachment


class Disposition(models.Model):
    """Opened when an asset is retired; must be completed before it may be disposed."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="disposition")
    method = models.CharField(max_length=16, choices=DispositionMethod.choices, blank=True)
    sanitisation = models.CharField(
        max_length=8, choices=Sanitisation.choices, blank=True, help_text="NIST SP 800-88"
    )
    vendor = models.CharField(max_length=120, blank=True)
    certificate_number = models.CharField(max_length=80, blank=True)
    certificate_date = models.DateField(null=True, blank=True)
    evidence = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["completed_at"], name="ast_disposition_done")]

    def __str__(self) -> str:
        return f"disposition of {self.asset_id}"


class CustodyStep(models.Model):
    """One hand-over in the chain of custody (IT → courier → recycler)."""

    disposition = models.ForeignKey(Disposition, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    handed_from = models.CharField(max_length=120)
    handed_to = models.CharField(max_length=120)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.handed_from} → {self.handed_to}"
