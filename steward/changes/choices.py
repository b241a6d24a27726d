"""Change enumerations, with the colours the UI shows beside them."""

from django.db import models


class ChangeType(models.TextChoices):
    STANDARD = "standard", "Standard (pre-approved template)"
    NORMAL = "normal", "Normal"
    EMERGENCY = "emergency", "Emergency"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ASSESSMENT = "assessment", "Assessment"
    AUTHORIZATION = "authorization", "Authorisation"
    SCHEDULED = "scheduled", "Scheduled"
    IMPLEMENTATION = "implementation", "Implementation"
    REVIEW = "review", "Review"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


# A change in these states holds its planned window on its CIs (what conflicts are made of).
ACTIVE_STATES = frozenset({Status.SCHEDULED, Status.IMPLEMENTATION})
TERMINAL_STATES = frozenset({Status.CLOSED, Status.CANCELLED})
# Risk answers and CIs shape the approvals: they are fixed once authorisation starts.
EDITABLE_SCOPE_STATES = frozenset({Status.DRAFT, Status.ASSESSMENT})
# while a change is here its approvals may be decided (emergency ones after the fact)
DECIDABLE_STATES = frozenset(
    {Status.AUTHORIZATION, Status.IMPLEMENTATION, Status.REVIEW, Status.FAILED}
)
# where the post-implementation review is recorded
REVIEWABLE_STATES = frozenset({Status.REVIEW, Status.FAILED})


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


RISK_ORDER = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH]


class Outcome(models.TextChoices):
    SUCCESS = "success", "Successful"
    FAILED = "failed", "Failed"
    BACKED_OUT = "backed_out", "Backed out"


class ApprovalState(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    NOT_REQUESTED = "not_requested", "Not requested yet"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ApproverKind(models.TextChoices):
    TEAM = "team", "Members of a team"
    CHANGE_MANAGERS = "change_managers", "Change managers"
    SERVICE_OWNER_LEAD = "service_owner_lead", "Lead of the impacted services' owner teams"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class ReviewOutcome(models.TextChoices):
    OBJECTIVES_MET = "objectives_met", "Objectives met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"


# the change list's queues, the tabs of the web list (the API lists "all" and filters)
QUEUES = {
    "mine": "Mine",
    "my_teams": "My teams",
    "awaiting": "Awaiting my approval",
    "scheduled": "Scheduled",
    "all": "All",
}
