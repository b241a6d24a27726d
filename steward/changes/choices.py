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


STATUS_COLOURS = {
    Status.DRAFT: "#6b7280",
    Status.ASSESSMENT: "#2563eb",
    Status.AUTHORIZATION: "#7c3aed",
    Status.SCHEDULED: "#0891b2",
    Status.IMPLEMENTATION: "#b45309",
    Status.REVIEW: "#4f46e5",
    Status.CLOSED: "#15803d",
    Status.CANCELLED: "#9ca3af",
    Status.FAILED: "#b91c1c",
}
RISK_COLOURS = {
    RiskLevel.LOW: "#15803d",
    RiskLevel.MEDIUM: "#b45309",
    RiskLevel.HIGH: "#c2410c",
    RiskLevel.VERY_HIGH: "#b91c1c",
}
