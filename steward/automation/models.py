"""Automation rules and their run log (docs/automation.md, docs/decisions/0101)."""

from django.db import models
from django.db.models.functions import Upper

from steward.automation.choices import Trigger


class Rule(models.Model):
    """When an incident is created or updated, or one of its SLA clocks reaches its warning
    or breach, and every condition matches, do the actions.

    Conditions and actions are ordered lists kept with the rule (one row read, cached per
    process under the automation stamp), checked by ``services.validation`` on every write:
    ``[{"field", "operator", "value"}]`` and ``[{"action", "value"}]``."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.CREATED)
    # for ``status_changed``: only a move to this status fires ("" for any move)
    trigger_status = models.CharField(max_length=20, blank=True)
    # for ``sla_warning`` and ``sla_breached``: only this clock fires ("" for either)
    trigger_clock = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)  # rules run lowest first
    stop_processing = models.BooleanField(default=False)  # a match stops the later rules
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("position", "id")
        constraints = [
            # whatever the case, as the create's check compares (automation.0003)
            models.UniqueConstraint(Upper("name"), name="automation_rule_name_upper_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RuleRun(models.Model):
    """One firing of a rule on an incident: what it changed (kept when the rule is deleted,
    by its name)."""

    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    rule_name = models.CharField(max_length=100)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="rule_runs"
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    at = models.DateTimeField()
    # {"fields": {name: [old, new]}, "notes": n, "mails": [...], "watchers": [...]}
    changes = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["rule", "-at"], name="automation_run_rule"),
            models.Index(fields=["incident", "-at"], name="automation_run_incident"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} on {self.incident_id}"
