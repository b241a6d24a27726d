"""Business calendars, SLA policies, and the clocks and threshold events they drive."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from steward.core.models import VersionedModel
from steward.sla.choices import ClockKind, ClockState, Threshold

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class BusinessCalendar(VersionedModel):
    """When the clock runs: weekly local hours in a time zone, minus holidays and closures."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, help_text="IANA name, e.g. Europe/Berlin")
    holiday_country = models.CharField(
        max_length=3, blank=True, help_text="ISO code for the holidays package; empty: none"
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="state or region, e.g. BE for Berlin"
    )
    # What ``public_holidays`` holds (services/holidays.py, decision 0127): the dates of
    # ``holidays_source`` ("DE/BE") for the years ``holidays_first`` to ``holidays_last``.
    # Written by the holiday fill only (never by an edit): not audited, no version bump.
    holidays_source = models.CharField(max_length=14, blank=True, editable=False)
    holidays_first = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    holidays_last = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One working interval on a weekday, local wall-clock; an ``end`` of 00:00 is midnight."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means the end of the day (24:00)")

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="sla_workinghours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


class CalendarClosure(models.Model):
    """A custom non-working day (company holiday, office move) on top of public holidays."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_closure_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarHoliday(models.Model):
    """A public holiday of the calendar's country and subdivision, as the ``holidays``
    package gives it, written by the task worker and the calendar's services so that web
    workers read dates instead of importing the package (decision 0127)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="public_holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_holiday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(VersionedModel):
    """Response and resolution targets for records matching its conditions (empty = any)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    priorities = models.JSONField(default=list, blank=True, help_text="1-5; empty: any")
    categories = models.JSONField(default=list, blank=True)
    services = models.JSONField(default=list, blank=True)
    organisations = models.JSONField(default=list, blank=True, help_text="organisation slugs")
    precedence = models.PositiveIntegerField(default=100, help_text="lower is tried first")
    response_minutes = models.PositiveIntegerField(help_text="business minutes")
    resolution_minutes = models.PositiveIntegerField(help_text="business minutes")
    warning_percent = models.PositiveSmallIntegerField(default=75)
    # catalogue requests: the clocks stop counting while the request waits for its approvers
    # (IT cannot act on it yet); incidents ignore it
    pause_awaiting_approval = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        indexes = [models.Index(fields=["is_active", "precedence", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(response_minutes__gt=0), name="sla_policy_response"),
            models.CheckConstraint(
                condition=Q(resolution_minutes__gt=0), name="sla_policy_resolution"
            ),
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1, warning_percent__lte=99),
                name="sla_policy_warning_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def target_minutes(self, kind: str) -> int:
        return self.response_minutes if kind == ClockKind.RESPONSE else self.resolution_minutes


class SlaClock(models.Model):
    """One target of one record, counted in business seconds on its policy's calendar.

    ``consumed_seconds`` is the business time banked up to ``running_since`` (or to the
    pause or stop); while running, elapsed = consumed + business time since
    ``running_since``. ``due_at`` and ``warn_at`` are where elapsed reaches the target and
    the warning share, recomputed on start, resume and recompute; a pause freezes them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(max_length=10, choices=ClockKind.choices)
    state = models.CharField(max_length=10, choices=ClockState.choices)
    target_seconds = models.PositiveIntegerField()
    warn_seconds = models.PositiveIntegerField()
    consumed_seconds = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    warned = models.BooleanField(default=False)
    breached = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"], name="sla_clock_one_per_kind"
            )
        ]
        indexes = [
            # SLA compliance (steward.reports, decision 0103): one kind's stopped clocks of
            # one model, in record order, with their breach: read from the index alone, a
            # range (PostgreSQL) or one probe per record (SQLite).
            models.Index(
                fields=["content_type", "kind", "state", "object_id", "breached"],
                name="sla_clock_outcome",
            ),
            # The sweep's two queries, exactly: partial, so they hold only pending clocks.
            models.Index(
                fields=["warn_at"],
                condition=Q(state=ClockState.RUNNING, warned=False),
                name="sla_clock_warn_pending",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(state=ClockState.RUNNING, breached=False),
                name="sla_clock_breach_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} clock of {self.content_type_id}:{self.object_id}"


class SlaEvent(models.Model):
    """A threshold a clock crossed; unique per clock and threshold, so escalation fires once.

    Breach rows are the record of SLA misses for reporting.
    """

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="events")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    at = models.DateTimeField(help_text="when the threshold was crossed")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "threshold"], name="sla_event_once")
        ]
        indexes = [models.Index(fields=["threshold", "at"])]

    def __str__(self) -> str:
        return f"{self.threshold} of clock {self.clock_id} at {self.at:%Y-%m-%d %H:%M}"
