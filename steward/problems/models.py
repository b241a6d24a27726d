"""Problems (the unknown cause behind incidents), their links to incidents, and the mails
sent when one is fixed."""

from django.conf import settings
from django.db import models

from steward.core.models import Organisation, Team, VersionedModel
from steward.problems.choices import Level, Status


class Problem(VersionedModel):
    """The cause of one or more incidents, investigated to a root cause; with a workaround
    published as a known error it is suggested on matching incidents."""

    number = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    # incidents' categories: one list for both, so a known error matches incidents by it
    category = models.ForeignKey(
        "incidents.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affected_service = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_of_service",
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    priority = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_assigned",
    )
    root_cause = models.TextField(blank=True)
    workaround = models.TextField(blank=True)
    resolution_notes = models.TextField(blank=True)
    known_error_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    incidents = models.ManyToManyField(
        "incidents.Incident", through="ProblemIncident", related_name="problems", blank=True
    )

    class Meta:
        indexes = [
            # queues: open work of a team / an agent / everyone by priority then age
            models.Index(
                fields=["team", "status", "priority", "created_at"], name="prb_team_queue"
            ),
            models.Index(
                fields=["assignee", "status", "priority", "created_at"], name="prb_assignee_queue"
            ),
            models.Index(fields=["status", "priority", "created_at"], name="prb_status_queue"),
            models.Index(fields=["organisation", "status"], name="prb_org_status"),
            # known-error suggestions: published ones matching an incident's CI, service, category
            models.Index(fields=["status", "configuration_item"], name="prb_status_ci"),
            models.Index(fields=["status", "affected_service"], name="prb_status_service"),
            models.Index(fields=["status", "category"], name="prb_status_category"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ProblemIncident(models.Model):
    """One incident linked to one problem (who linked it and when)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="links")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="problem_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["problem", "incident"], name="problem_incident_once")
        ]
        indexes = [models.Index(fields=["incident", "problem"], name="prb_link_by_incident")]

    def __str__(self) -> str:
        return f"{self.problem_id} ↔ {self.incident_id}"
