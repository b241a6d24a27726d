"""Event management enumerations; badge colours are classes in web/static/web/steward.css
(``.status-<value>``) and the app's own sheet (``.severity-<value>``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    """How bad a monitoring event says things are, worst first; ``clear`` says it is over."""

    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Info")
    CLEAR = "clear", pgettext_lazy("severity", "Clear")  # not the filters' "Clear"


# the severities an alert may hold (a clear closes it, it never sets it)
ALERT_SEVERITIES = tuple(s for s in Severity.values if s != Severity.CLEAR)


class State(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


# an alert is "live" (deduplicates new events, counts on the console) until it is closed
LIVE_STATES = (State.OPEN, State.ACKNOWLEDGED)


class StateFilter(models.TextChoices):
    """The console's state choice: the live alerts, or one state."""

    LIVE = "live", _("Open or acknowledged")
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")
    ALL = "all", _("Every state")


class ClosedBy(models.TextChoices):
    """Why an alert was closed."""

    CLEAR = "clear", _("Cleared by its source")
    AGENT = "agent", _("Closed by an agent")
    EXPIRED = "expired", _("Expired: no event for too long")


class Outcome(models.TextChoices):
    """What an ingested event did."""

    CREATED = "created", _("New alert")
    UPDATED = "updated", _("Repeat of an open alert")
    CLOSED = "closed", _("Alert cleared")
    IGNORED = "ignored", _("Clear without an open alert")
