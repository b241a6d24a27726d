"""Problem enumerations, with the colours the UI shows beside them."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    INVESTIGATING = "investigating", "Investigating"
    KNOWN_ERROR = "known_error", "Known error"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATES = (Status.NEW, Status.INVESTIGATING, Status.KNOWN_ERROR)
TERMINAL_STATES = (Status.CLOSED, Status.CANCELLED)
# moves that may tell the callers of the linked incidents that the cause is fixed
NOTIFYING_STATES = (Status.RESOLVED, Status.CLOSED)


class Level(models.IntegerChoices):
    """Impact and urgency, as for incidents: 1 is the most."""

    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


STATUS_COLOURS = {
    Status.NEW: "#2457c5",
    Status.INVESTIGATING: "#b54708",
    Status.KNOWN_ERROR: "#6941c6",
    Status.RESOLVED: "#067647",
    Status.CLOSED: "#344054",
    Status.CANCELLED: "#98a2b3",
}
PRIORITY_COLOURS = {1: "#b42318", 2: "#dc6803", 3: "#ca8504", 4: "#2e90fa", 5: "#667085"}
