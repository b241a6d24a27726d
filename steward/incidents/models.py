"""Incidents, their categories, the priority matrix and per-team assignment rules."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from steward.core.models import Organisation, Team, VersionedModel
from steward.incidents.choices import (
    OPEN_STATES,
    AssignmentMode,
    Impact,
    IncidentChannel,
    OnHoldReason,
    Priority,
    ResolutionCode,
    Status,
)


class Category(models.Model):
    """An incident category; a category with a parent is a subcategory (admin-editable)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(default=True)
    default_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team a requester's new incident of this category goes to.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name"),
            # the one above holds no top-level name: NULL parents never equal each other
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="category_unique_top_name"
            ),
        ]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class PriorityRule(models.Model):
    """One cell of the priority matrix: impact × urgency → priority."""

    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(choices=Impact.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique_cell")
        ]

    def __str__(self) -> str:
        return f"I{self.impact}×U{self.urgency}→P{self.priority}"


class IncidentSettings(models.Model):
    """Business configuration of incident handling (one row)."""

    reopen_days = models.PositiveSmallIntegerField(default=7)
    auto_close_days = models.PositiveSmallIntegerField(default=3)
    major_incident_emails = models.TextField(
        blank=True, help_text="Addresses told about every major incident, one per line"
    )

    class Meta:
        verbose_name_plural = "incident settings"

    def __str__(self) -> str:
        return "Incident settings"


class TeamAssignment(models.Model):
    """How new incidents for a team pick an agent."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="assignment")
    mode = models.CharField(
        max_length=20, choices=AssignmentMode.choices, default=AssignmentMode.TEAM
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.team}: {self.mode}"


# the scope of an incident's external reference (decision 0094, amendment 6): its
# organisation's id, 0 for the incidents of none; the unique index's expression and the
# look-ups' alike, so both databases answer them from the index
REFERENCE_SCOPE = Coalesce(F("organisation_id"), Value(0), output_field=models.BigIntegerField())


class Incident(VersionedModel):
    """An unplanned interruption or degradation of a service, worked to resolution."""

    number = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incidents_called"
    )
    # people kept informed beside the caller (a caller's Cc on mail): they see the incident,
    # get its public replies and may answer by mail
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="incidents_watched"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subcategory = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        max_length=12, choices=IncidentChannel.choices, default=IncidentChannel.WEB
    )
    # the CMDB is the reference: the business service hit and the CI at fault
    affected_service = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_of_service",
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.PLANNING)
    priority_override_reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    on_hold_reason = models.CharField(max_length=20, choices=OnHoldReason.choices, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_assigned",
    )
    reassignment_count = models.PositiveIntegerField(default=0)
    is_major = models.BooleanField("major incident", default=False)
    # each time an update makes the incident major (not counting a create as major, which is
    # 0): the major-incident mail is keyed by it, so each promotion is announced once and a
    # late-dispatched announcement of an earlier one is dropped (decision 0067)
    major_promotions = models.PositiveIntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    resolution_code = models.CharField(max_length=20, choices=ResolutionCode.choices, blank=True)
    resolution_notes = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Queues ask for "open" work in priority order. As four statuses, that order needs a sort
    # of every open row; as one stored column, the queue indexes below deliver it directly.
    # 1/0 rather than a boolean: ``is_open=1`` compiles to an equality the index can seek on,
    # where a boolean filter compiles to a bare column term that SQLite's planner does not.
    is_open = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=OPEN_STATES, then=models.Value(1)), default=models.Value(0)
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    # where an imported or integrated incident came from (decision 0094): the source
    # system's key for it, unique per source within the incident's organisation when given
    # (amendment 6: two customers' systems may share a source name and their keys); a re-run
    # of an import skips a row whose reference is already here, and an API create with one
    # answers that incident
    external_source = models.CharField(max_length=40, blank=True, default="")
    external_id = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        constraints = [
            # leads with the value: the import asks for a chunk's ids in one statement; per
            # organisation, the incidents of none a scope of their own (0: NULLs are distinct
            # in a unique index, and no organisation's id is 0)
            models.UniqueConstraint(
                F("external_id"),
                F("external_source"),
                REFERENCE_SCOPE,
                condition=Q(external_id__isnull=False),
                name="inc_external_ref_org",
            )
        ]
        indexes = [
            # agent queues: open work (of a team, of an agent) by priority then age
            models.Index(fields=["is_open", "priority", "opened_at", "id"], name="inc_open_queue"),
            models.Index(
                fields=["team", "is_open", "priority", "opened_at", "id"], name="inc_team_queue"
            ),
            models.Index(
                fields=["assignee", "is_open", "priority", "opened_at", "id"],
                name="inc_assignee_queue",
            ),
            # by status and age; with the team, category and CI after them the reports read
            # the incidents opened in a period from the index alone (decision 0103)
            models.Index(
                fields=[
                    "status",
                    "priority",
                    "opened_at",
                    "team",
                    "category",
                    "configuration_item",
                ],
                name="inc_status_opened",
            ),
            models.Index(fields=["caller", "opened_at"], name="inc_caller"),
            # a common word's walk driven from a scope, newest first (decision 0055): an
            # agent's open team work and a requester's own incidents, each in id order.
            # Partial on a term only that walk writes (``is_open >= 1``, ``caller_id >= 1``):
            # SQLite (no statistics) took the narrower index for the team queue's priority
            # order and sorted; it uses a partial index only where the query has its term
            models.Index(
                fields=["team", "id"], name="inc_team_open_id", condition=Q(is_open__gte=1)
            ),
            models.Index(fields=["caller", "id"], name="inc_caller_id", condition=Q(caller__gte=1)),
            models.Index(fields=["organisation", "status"], name="inc_org_status"),
            # resolved in a period; covering for the reports (flow, time to acknowledge and
            # resolve, SLA): priority, opening and first response time and team read from the
            # index alone (decisions 0103, 0129)
            models.Index(
                fields=[
                    "status",
                    "resolved_at",
                    "priority",
                    "opened_at",
                    "team",
                    "first_response_at",
                ],
                name="inc_resolved_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class SavedView(models.Model):
    """An agent's named queue filter, shown as a tab on the incident queue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_incident_views"
    )
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class EscalationRule(models.Model):
    """What happens when an incident's SLA clock warns or breaches (beyond the mail to the
    assignee and team lead, which always goes out)."""

    class Action(models.TextChoices):
        NOTIFY = "notify", _("Email an address (e.g. a manager)")
        REASSIGN = "reassign", _("Reassign to a team")
        RAISE_PRIORITY = "raise_priority", _("Raise priority by one")

    name = models.CharField(max_length=100)
    threshold = models.CharField(
        max_length=10, choices=[("warning", _("Warning")), ("breach", _("Breach"))]
    )
    clock_kind = models.CharField(
        max_length=10, blank=True, help_text="response or resolution; empty: both"
    )
    priorities = models.JSONField(default=list, blank=True, help_text="empty: any")
    action = models.CharField(max_length=20, choices=Action.choices)
    email = models.EmailField(blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class EscalationRun(models.Model):
    """One rule applied for one SLA event: the unique pair makes each action run once."""

    rule = models.ForeignKey(EscalationRule, on_delete=models.CASCADE, related_name="runs")
    event_id = models.BigIntegerField()
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "event_id"], name="escalation_once")]

    def __str__(self) -> str:
        return f"{self.rule} for event {self.event_id}"
