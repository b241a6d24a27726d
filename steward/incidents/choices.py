"""Incident enumerations, with the colours the UI shows beside them."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)


class Queue(models.TextChoices):
    """The queues of the incident list, with the tab labels agents see."""

    MINE = "mine", "My work"
    MY_TEAMS = "my_teams", "My teams"
    UNASSIGNED = "unassigned", "Unassigned"
    BREACHING = "breaching", "Breaching soon"
    MAJOR = "major", "Major incidents"
    OPEN = "open", "All open"
    ALL = "all", "Everything"


BREACHING_WITHIN_MAX = 60 * 24 * 30  # minutes, a month: the furthest "breaching within" looks


class QueueOrder(models.TextChoices):
    """How an incident list may be sorted."""

    PRIORITY = "priority", "Priority, then oldest"
    NEWEST = "-opened_at", "Newest first"
    OLDEST = "opened_at", "Oldest first"
    UPDATED = "-updated_at", "Recently updated"


class OnHoldReason(models.TextChoices):
    AWAITING_CALLER = "awaiting_caller", "Awaiting caller"
    AWAITING_VENDOR = "awaiting_vendor", "Awaiting vendor"
    AWAITING_CHANGE = "awaiting_change", "Awaiting change"
    AWAITING_PROBLEM = "awaiting_problem", "Awaiting problem fix"


class IncidentChannel(models.TextChoices):
    WEB = "web", "Web"
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    API = "api", "API"
    MONITORING = "monitoring", "Monitoring"


class Impact(models.IntegerChoices):
    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


Urgency = Impact


class Priority(models.IntegerChoices):
    CRITICAL = 1, "1 - Critical"
    HIGH = 2, "2 - High"
    MODERATE = 3, "3 - Moderate"
    LOW = 4, "4 - Low"
    PLANNING = 5, "5 - Planning"


class ResolutionCode(models.TextChoices):
    SOLVED = "solved", "Solved (permanently)"
    WORKAROUND = "workaround", "Solved (workaround)"
    NOT_REPRODUCIBLE = "not_reproducible", "Not reproducible"
    DUPLICATE = "duplicate", "Duplicate"
    USER_ERROR = "user_error", "User error / training"
    PARENT_RESOLVED = "parent_resolved", "Resolved with parent"


class AssignmentMode(models.TextChoices):
    TEAM = "team", "Team queue (nobody picked)"
    ROUND_ROBIN = "round_robin", "Round-robin"
    LEAST_LOADED = "least_loaded", "Least loaded"


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
