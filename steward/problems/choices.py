"""Problem enumerations; their badge colours are classes in web/static/web/steward.css
(``.status-<value>``, ``.priority-N``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Status(models.TextChoices):
    NEW = "new", _("New")
    INVESTIGATING = "investigating", _("Investigating")
    KNOWN_ERROR = "known_error", _("Known error")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (Status.NEW, Status.INVESTIGATING, Status.KNOWN_ERROR)
TERMINAL_STATES = (Status.CLOSED, Status.CANCELLED)
# moves that may tell the callers of the linked incidents that the cause is fixed
NOTIFYING_STATES = (Status.RESOLVED, Status.CLOSED)


class Queue(models.TextChoices):
    """The problem lists an agent picks from: tabs on the page, ``queue`` in the API."""

    OPEN = "open", _("All open")
    MINE = "mine", _("My work")
    MY_TEAMS = "my_teams", _("My teams")
    KNOWN_ERRORS = "known_errors", _("Known errors")
    ALL = "all", _("Everything")


class Level(models.IntegerChoices):
    """Impact and urgency, as for incidents: 1 is the most."""

    HIGH = 1, _("1 - High")
    MEDIUM = 2, _("2 - Medium")
    LOW = 3, _("3 - Low")


# the problem's fields no form labels, as its history names them (core's ``field_label``
# translates a field's label; this is the word it finds in the catalogue)
HISTORY_LABELS = (gettext_noop("Known error at"),)
