"""Alerts: monitoring events deduplicated by their fingerprint while open
(docs/events.md, docs/decisions/0095)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from steward.core.models import Organisation, VersionedModel
from steward.events.choices import ClosedBy, Severity, State


class Alert(models.Model):
    """One condition a monitoring source reports about a node: the events with the same
    fingerprint (source + node + resource, or source + key) while it is not closed."""

    fingerprint = models.CharField(max_length=64)
    source = models.CharField(max_length=40)
    node = models.CharField(max_length=255)
    resource = models.CharField(max_length=255)  # the check or resource that fired
    key = models.CharField(max_length=255, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    # when the source says the occurrence began (Alertmanager's ``startsAt``), not when it
    # reached us: a retried firing of an occurrence already resolved, or a resolved of an
    # earlier one, is known by it and ignored (decision 0121)
    started_at = models.DateTimeField(null=True, blank=True)
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    # the CI's organisation when it matched one: agents limited to organisations see an
    # alert of theirs or of none (core.selectors.scoping)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    # raised while its CI was under a change's window (scheduled or being implemented): it
    # opens no incident until an event arrives after the window (decision 0095, 8)
    in_maintenance = models.BooleanField(default=False)
    # the times of its last state changes (raised, cleared) within the flapping period,
    # carried from the fingerprint's last closed alert to the next; while
    # ``flapping_until`` is ahead it opens no incident and notes no clear (decision 0105)
    flap_changes = models.JSONField(default=list, blank=True)
    flapping_until = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=8, choices=ClosedBy.choices, blank=True)

    class Meta:
        constraints = [
            # one live alert per fingerprint, whatever the concurrency: a second insert
            # fails and the service reads the first (services/ingest.py)
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~Q(state=State.CLOSED),
                name="event_alert_one_live",
            ),
        ]
        indexes = [
            # the console: newest activity first, by state
            models.Index(fields=["state", "-last_seen", "-id"], name="event_alert_console"),
            models.Index(fields=["-last_seen", "-id"], name="event_alert_recent"),
            # a new alert reads its fingerprint's last closed one for its flapping history
            models.Index(
                fields=["fingerprint", "-closed_at"],
                condition=Q(state=State.CLOSED),
                name="event_alert_last_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.node} {self.resource}"

    @property
    def is_flapping(self) -> bool:
        """Changing state too often lately: no incident, no note (decision 0105)."""
        return self.flapping_until is not None and self.flapping_until > timezone.now()


class UnseenClear(models.Model):
    """A source's clear of an occurrence Steward never raised (it was down, or the firing was
    lost, when the firing was sent): remembered for ``services.unseen.REMEMBERED``, so the
    firing's late retry, which Alertmanager (and Zabbix) send after a timeout, is ignored
    rather than raising an alert that stays open until the expiry (decision 0124)."""

    fingerprint = models.CharField(max_length=64)
    # the occurrence's start as its source says it (Alertmanager's ``startsAt``); None: a
    # key that names one occurrence only (Zabbix's problem id), over for good once cleared
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # ``endsAt``, for the reader
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            # a retried clear is remembered once; the firing's check reads this index's range
            models.UniqueConstraint(
                fields=["fingerprint", "started_at"], name="event_unseen_clear_once"
            ),
        ]
        indexes = [
            # the housekeeping's delete of those past their time
            models.Index(fields=["received_at"], name="event_unseen_clear_age"),
        ]

    def __str__(self) -> str:
        return f"{self.fingerprint} {self.started_at}"


class MaintenanceWindow(VersionedModel):
    """Planned work IT operations declare without a change: while it lasts, new alerts on
    its CIs or on nodes its pattern matches are in maintenance and open no incident."""

    name = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # a shell-style pattern (``*``, ``?``) over the event's node, case-insensitive
    node_pattern = models.CharField(max_length=255, blank=True)
    configuration_items = models.ManyToManyField(
        "cmdb.ConfigurationItem", blank=True, related_name="maintenance_windows"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [
            # the per-event lookup: windows not yet over, then their start
            models.Index(fields=["ends_at", "starts_at"], name="event_window_active"),
            models.Index(fields=["-starts_at", "-id"], name="event_window_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name
