"""The reports and the age buckets of the backlog."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportName(models.TextChoices):
    FLOW = "incident-flow", _("Incidents opened and resolved per week")
    BACKLOG = "backlog", _("Open incidents by priority and age")
    RESOLUTION_TIME = "resolution-time", _("Time to acknowledge and resolve by priority")
    SLA = "sla-compliance", _("SLA compliance by month and priority")
    CATEGORIES = "top-categories", _("Top incident categories")
    CIS = "top-cis", _("Top configuration items by incidents")
    CHANGES = "changes", _("Changes by type and outcome")
    PROBLEMS = "problems", _("Problems and known errors")
    REQUESTS = "requests", _("Fulfilled service requests")
    SATISFACTION = "satisfaction", _("Customer satisfaction by month and team")


class AgeBucket(models.TextChoices):
    DAY = "0-1d", _("Up to 1 day")
    WEEK = "1-7d", _("1 to 7 days")
    MONTH = "7-30d", _("7 to 30 days")
    OLDER = "30d+", _("Over 30 days")


DEFAULT_WEEKS = 12
MAX_DAYS = 731  # two years: a longer period is refused (it reads too many rows at once)
TOP = 10  # rows of the top-N reports
