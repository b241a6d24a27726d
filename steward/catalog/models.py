"""Services (the portfolio), catalogue items (what may be ordered and how), requests and
their approvals and fulfilment tasks."""

from django.conf import settings
from django.db import models

from steward.catalog.choices import (
    Audience,
    Decision,
    RequestStatus,
    ServiceKind,
    Stage,
    TaskMode,
    TaskStatus,
)
from steward.core.models import Organisation, Team, VersionedModel


class Service(VersionedModel):
    """A business or technical service IT offers; its CMDB CI is the one incidents name as
    their "affected service", so both point at the same thing."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=16, choices=ServiceKind.choices, default="business")
    description = models.TextField(blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PIPELINE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services_owned",
    )
    support_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalog_services",
    )

    def __str__(self) -> str:
        return self.name


class CatalogItem(VersionedModel):
    """Something a person may order: its form, its approval stages and its fulfilment tasks
    are definitions (JSON, validated by ``services.definitions``) an admin edits."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    category = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices, default="everyone")
    audience_organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    audience_roles = models.JSONField(default=list, blank=True)
    form = models.JSONField(default=list, blank=True)
    approval_stages = models.JSONField(default=list, blank=True)
    task_mode = models.CharField(max_length=16, choices=TaskMode.choices, default="ordered")
    task_templates = models.JSONField(default=list, blank=True)
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["is_active", "category", "name"], name="cat_item_browse")]

    def __str__(self) -> str:
        return self.name


class Request(VersionedModel):
    """One order of a catalogue item (REQ…): the answers as given, and where it stands."""

    number = models.CharField(max_length=16, unique=True)
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="catalog_requests"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # answers as validated (never rendered as HTML); the definitions as they were when ordered,
    # so an admin editing the item later does not change a request under way
    answers = models.JSONField(default=dict)
    plan = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=RequestStatus.choices)
    stage = models.PositiveSmallIntegerField(default=0)  # the approval stage under way
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["requester", "created_at"], name="req_requester"),
            models.Index(fields=["status", "created_at"], name="req_status"),
            models.Index(fields=["organisation", "status"], name="req_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Approval(models.Model):
    """One approver's vote in one stage of a request."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="approvals")
    stage = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="catalog_approvals"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, default="pending")
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "stage", "approver"], name="approval_once_per_stage"
            )
        ]
        indexes = [models.Index(fields=["approver", "decision"], name="approval_waiting")]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.stage}: {self.approver_id} {self.decision}"


class Task(VersionedModel):
    """One piece of fulfilment work (TASK…) for a team."""

    number = models.CharField(max_length=16, unique=True)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="catalog_tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalog_tasks",
    )
    status = models.CharField(max_length=16, choices=TaskStatus.choices)
    notes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["team", "status", "created_at"], name="task_team_queue"),
            models.Index(fields=["request", "position"], name="task_of_request"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
