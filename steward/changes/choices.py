"""Change enumerations, with the colours the UI shows beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ChangeType(models.TextChoices):
    STANDARD = "standard", _("Standard (pre-approved template)")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSESSMENT = "assessment", _("Assessment")
    AUTHORIZATION = "authorization", _("Authorisation")
    SCHEDULED = "scheduled", _("Scheduled")
    IMPLEMENTATION = "implementation", _("Implementation")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


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
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


RISK_ORDER = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH]


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Successful")
    FAILED = "failed", _("Failed")
    BACKED_OUT = "backed_out", _("Backed out")


class ApprovalState(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")
    NOT_REQUESTED = "not_requested", _("Not requested yet")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ApproverKind(models.TextChoices):
    TEAM = "team", _("Members of a team")
    CHANGE_MANAGERS = "change_managers", _("Change managers")
    SERVICE_OWNER_LEAD = "service_owner_lead", _("Lead of the impacted services' owner teams")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class ReviewOutcome(models.TextChoices):
    OBJECTIVES_MET = "objectives_met", _("Objectives met")
    PARTIALLY_MET = "partially_met", _("Partially met")
    NOT_MET = "not_met", _("Not met")


# the risk reason of a draft with no answers: stored in English (the API reads it so), shown
# in the reader's language
NOT_ANSWERED = gettext_noop("questionnaire not answered yet")

# The starter risk questionnaire's words (migration 0002 seeds them in English), by the
# question's slug and (question, answer) slugs. A seeded question or answer whose words an
# administrator has not changed is shown in the reader's language (gettext of these); one
# she wrote or reworded is shown as written (decision 0120). tests/changes/test_risk_words.py
# holds these to the migration's.
SEEDED_QUESTIONS = {
    "outage": gettext_noop("Does the change need a service outage?"),
    "tested": gettext_noop("Has the change been tested in a non-production environment?"),
    "backout": gettext_noop("How hard is it to back out?"),
    "experience": gettext_noop("Has the team done this change before?"),
    "users": gettext_noop("How many users are affected while it is made?"),
}
SEEDED_ANSWERS = {
    ("outage", "none"): gettext_noop("No outage"),
    ("outage", "partial"): gettext_noop("Partial or degraded service"),
    ("outage", "full"): gettext_noop("Full outage"),
    ("tested", "yes"): gettext_noop("Yes, the same change"),
    ("tested", "similar"): gettext_noop("A similar change"),
    ("tested", "no"): gettext_noop("No"),
    ("backout", "easy"): gettext_noop("Easy, minutes"),
    ("backout", "hard"): gettext_noop("Hard, hours"),
    ("backout", "impossible"): gettext_noop("Not possible"),
    ("experience", "often"): gettext_noop("Often"),
    ("experience", "once"): gettext_noop("Once or twice"),
    ("experience", "never"): gettext_noop("Never"),
    ("users", "few"): gettext_noop("Fewer than 50"),
    ("users", "many"): gettext_noop("50 to 1,000"),
    ("users", "all"): gettext_noop("Most or all"),
}

# the change list's queues, the tabs of the web list (the API lists "all" and filters)
QUEUES = {
    "mine": _("Mine"),
    "my_teams": _("My teams"),
    "awaiting": _("Awaiting my approval"),
    "scheduled": _("Scheduled"),
    "all": _("All"),
}


# the change's fields no form labels, as its history names them (core's ``field_label``
# translates a field's label; these are the words it finds in the catalogue)
HISTORY_LABELS = (
    gettext_noop("Approval state"),
    gettext_noop("Risk level"),
    gettext_noop("Risk score"),
)
