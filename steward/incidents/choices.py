"""Incident enumerations, with the colours the UI shows beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)


class Queue(models.TextChoices):
    """The queues of the incident list, with the tab labels agents see."""

    MINE = "mine", _("My work")
    MY_TEAMS = "my_teams", _("My teams")
    UNASSIGNED = "unassigned", _("Unassigned")
    BREACHING = "breaching", _("Breaching soon")
    MAJOR = "major", _("Major incidents")
    OPEN = "open", _("All open")
    ALL = "all", _("Everything")


BREACHING_WITHIN_MAX = 60 * 24 * 30  # minutes, a month: the furthest "breaching within" looks


class QueueOrder(models.TextChoices):
    """How an incident list may be sorted."""

    PRIORITY = "priority", _("Priority, then oldest")
    NEWEST = "-opened_at", _("Newest first")
    OLDEST = "opened_at", _("Oldest first")
    UPDATED = "-updated_at", _("Recently updated")


class OnHoldReason(models.TextChoices):
    AWAITING_CALLER = "awaiting_caller", _("Awaiting caller")
    AWAITING_VENDOR = "awaiting_vendor", _("Awaiting vendor")
    AWAITING_CHANGE = "awaiting_change", _("Awaiting change")
    AWAITING_PROBLEM = "awaiting_problem", _("Awaiting problem fix")


class IncidentChannel(models.TextChoices):
    WEB = "web", _("Web")
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    MONITORING = "monitoring", _("Monitoring")


class Impact(models.IntegerChoices):
    HIGH = 1, _("1 - High")
    MEDIUM = 2, _("2 - Medium")
    LOW = 3, _("3 - Low")


Urgency = Impact


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MODERATE = 3, _("3 - Moderate")
    LOW = 4, _("4 - Low")
    PLANNING = 5, _("5 - Planning")


class ResolutionCode(models.TextChoices):
    SOLVED = "solved", _("Solved (permanently)")
    WORKAROUND = "workaround", _("Solved (workaround)")
    NOT_REPRODUCIBLE = "not_reproducible", _("Not reproducible")
    DUPLICATE = "duplicate", _("Duplicate")
    USER_ERROR = "user_error", _("User error / training")
    PARENT_RESOLVED = "parent_resolved", _("Resolved with parent")


class AssignmentMode(models.TextChoices):
    TEAM = "team", _("Team queue (nobody picked)")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")


STATUS_COLOURS = {
    Status.NEW: "#2457c5",
    Status.ASSIGNED: "#6941c6",
    Status.IN_PROGRESS: "#b54708",
    Status.ON_HOLD: "#667085",
    Status.RESOLVED: "#067647",
    Status.CLOSED: "#344054",
    Status.CANCELLED: "#98a2b3",
}
PRIORITY_COLOURS = {1: "#b42318", 2: "#dc6803", 3: "#ca8504", 4: "#2e90fa", 5: "#667085"}
