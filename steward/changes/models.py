"""Changes, their templates, risk questionnaire, approvals, freeze windows and feeds."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from steward.changes.choices import (
    ApprovalState,
    ApproverKind,
    ChangeType,
    Decision,
    Outcome,
    ReviewOutcome,
    RiskLevel,
    Status,
)
from steward.cmdb.models import ConfigurationItem
from steward.core.models import Organisation, Team, VersionedModel
from steward.incidents.models import Incident
from steward.problems.models import Problem


class ChangeSettings(models.Model):
    """Business configuration of change management (one row, admin-editable)."""

    failed_history_days = models.PositiveSmallIntegerField(
        default=90, help_text="Failed or backed-out changes on the same CIs this far back add risk"
    )
    medium_from = models.PositiveSmallIntegerField(default=4, help_text="risk score")
    high_from = models.PositiveSmallIntegerField(default=8, help_text="risk score")
    very_high_from = models.PositiveSmallIntegerField(default=12, help_text="risk score")
    reminder_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Remind approvers of a pending approval this often"
    )
    link_valid_days = models.PositiveSmallIntegerField(
        default=7, help_text="How long an emailed approve/reject link works"
    )

    class Meta:
        verbose_name_plural = "change settings"

    def __str__(self) -> str:
        return "Change settings"


class ChangeTemplate(VersionedModel):
    """A pre-approved standard change: its changes skip authorisation."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    implementation_plan = models.TextField(blank=True)
    backout_plan = models.TextField(blank=True)
    test_plan = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class RiskQuestion(models.Model):
    """One question of the risk questionnaire (admin-editable)."""

    slug = models.SlugField(max_length=60, unique=True)
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class RiskAnswer(models.Model):
    """A possible answer to a risk question and the weight it adds to the score."""

    question = models.ForeignKey(RiskQuestion, on_delete=models.CASCADE, related_name="answers")
    slug = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "slug"], name="risk_answer_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.label} (+{self.weight})"


class ApprovalPolicy(models.Model):
    """Which approvals a change needs: every active policy matching the change's type and
    risk adds one approval, decided by its approvers with its quorum (admin-editable)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    change_types = models.JSONField(default=list, blank=True, help_text="empty: every type")
    risk_levels = models.JSONField(default=list, blank=True, help_text="empty: every risk")
    approver_kind = models.CharField(max_length=20, choices=ApproverKind.choices)
    team_slug = models.SlugField(max_length=60, blank=True, help_text="for approver kind team")
    quorum = models.PositiveSmallIntegerField(default=1)
    forbid_self_approval = models.BooleanField(
        default=True, help_text="the requester and assignee of a change may not approve it"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "approval policies"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Change(VersionedModel):
    """A planned addition, modification or removal of something that affects services."""

    number = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=10, choices=ChangeType.choices, default=ChangeType.NORMAL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    template = models.ForeignKey(
        ChangeTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="changes_requested"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes_assigned",
    )
    implementation_plan = models.TextField(blank=True)
    backout_plan = models.TextField(blank=True)
    test_plan = models.TextField(blank=True)
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    risk_answers = models.JSONField(default=dict, blank=True)
    risk_score = models.PositiveSmallIntegerField(default=0)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    risk_reasons = models.JSONField(default=list, blank=True)
    approval_state = models.CharField(
        max_length=14, choices=ApprovalState.choices, default=ApprovalState.NOT_REQUESTED
    )
    # an emergency change implemented before its approvals were complete: authorised after
    implemented_before_authorisation = models.BooleanField(default=False)
    schedule_override_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cis = models.ManyToManyField(
        ConfigurationItem,
        through="ChangeCI",
        related_name="changes",
        blank=True,
        verbose_name="affected CIs",
    )
    impacted_services = models.ManyToManyField(
        ConfigurationItem, related_name="changes_impacting", blank=True
    )
    incidents = models.ManyToManyField(Incident, related_name="changes", blank=True)
    problems = models.ManyToManyField(Problem, related_name="changes", blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "planned_start"], name="chg_status_start"),
            # the calendar: changes whose window overlaps a range, with every column the
            # calendar reads (selectors.change_calendar), so the month is read from the
            # index alone on SQLite (decision 0023); ordered (planned_start, id), the
            # calendar's order, so a day's first changes are the range's first entries and
            # the read stops after them, with no sort (decision 0046)
            models.Index(
                fields=[
                    "planned_start",
                    "id",
                    "planned_end",
                    "status",
                    "organisation",
                    "requester",
                    "team",
                    "risk_level",
                    "risk_score",
                    "number",
                    "title",
                ],
                name="chg_calendar",
            ),
            models.Index(fields=["team", "status"], name="chg_team_status"),
            models.Index(fields=["requester", "created_at"], name="chg_requester"),
            models.Index(fields=["organisation", "status"], name="chg_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gt=F("planned_start")),
                name="chg_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ChangeCI(models.Model):
    """A CI a change touches, with the change's planned window copied onto the row.

    ``holds_window`` is true while the change is scheduled or being implemented: conflict
    detection is then one index range scan per related CI instead of a join to changes."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="ci_links")
    ci = models.ForeignKey(ConfigurationItem, on_delete=models.PROTECT, related_name="+")
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    holds_window = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "ci"], name="change_ci_unique"),
        ]
        indexes = [
            models.Index(
                fields=["ci", "planned_start", "planned_end"],
                condition=Q(holds_window=True),
                name="change_ci_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_id} on {self.ci_id}"


class ChangeApproval(models.Model):
    """One approval a change needs (from one policy), decided by its eligible approvers."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="approvals")
    policy = models.ForeignKey(
        ApprovalPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=200)
    approver_kind = models.CharField(max_length=20, choices=ApproverKind.choices)
    quorum = models.PositiveSmallIntegerField(default=1)
    forbid_self_approval = models.BooleanField(default=True)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    state = models.CharField(
        max_length=14, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "last_reminded_at"], name="approval_pending")]

    def __str__(self) -> str:
        return f"{self.label} for {self.change_id}"


class ApprovalDecision(models.Model):
    """One approver's decision; ``decided_by`` differs when a delegate decided for them."""

    approval = models.ForeignKey(ChangeApproval, on_delete=models.CASCADE, related_name="decisions")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=10)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["approval", "approver"], name="decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision} by {self.approver_id}"


class ApprovalReminder(models.Model):
    """The n-th reminder of an approval: the unique pair makes each one happen once."""

    approval = models.ForeignKey(ChangeApproval, on_delete=models.CASCADE, related_name="reminders")
    sequence = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["approval", "sequence"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"reminder {self.sequence} of {self.approval_id}"


class Delegation(models.Model):
    """While ``user`` is away (``starts_on``..``ends_on``, inclusive) ``delegate`` decides
    their approvals on their behalf."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approval_delegations"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["delegate", "ends_on"], name="delegation_delegate")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="delegation_range_ordered"
            ),
            models.CheckConstraint(condition=~Q(user=F("delegate")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.delegate_id}"


class PostImplementationReview(models.Model):
    """What a failed, emergency or high-risk change taught us; required before closing it."""

    change = models.OneToOneField(Change, on_delete=models.CASCADE, related_name="review")
    outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices)
    notes = models.TextField()
    lessons = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Review of {self.change_id}"


class FreezeWindow(VersionedModel):
    """A blackout period: globally (no CI) or for one service CI and what depends on it."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    ci = models.ForeignKey(
        ConfigurationItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="freeze_windows",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="freeze_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="freeze_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeedToken(models.Model):
    """The secret in a user's calendar feed URLs (calendar clients cannot sign in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="change_feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
