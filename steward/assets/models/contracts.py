"""Contracts and warranties covering assets, and the reminders sent before they end."""

from __future__ import annotations

from django.db import models

from steward.assets.choices import ContractKind
from steward.assets.models.hardware import MONEY, Asset
from steward.core.models import Team, VersionedModel


class Contract(VersionedModel):
    number = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    vendor = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ContractKind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    cost = models.DecimalField(**MONEY, default=0)
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="asset_contracts"
    )
    assets = models.ManyToManyField(Asset, related_name="contracts", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(cost__gte=0), name="contract_cost_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["end_date"], name="ctr_end")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ContractReminder(models.Model):
    """That the reminder ``days`` before the end was sent: the unique pair makes it once."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reminders")
    days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "days"], name="contract_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} −{self.days}d"
