"""Problem enumerations; their badge colours are classes in web/static/web/steward.css
(``.status-<value>``, ``.priority-N``)."""

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


class Queue(models.TextChoices):
    """The problem lists an agent picks from: tabs on the page, ``queue`` in the API."""

    OPEN = "open", "All open"
    MINE = "mine", "My work"
    MY_TEAMS = "my_teams", "My teams"
    KNOWN_ERRORS = "known_errors", "Known errors"
    ALL = "all", "Everything"


class Level(models.IntegerChoices):
    """Impact and urgency, as for incidents: 1 is the most."""

    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"
