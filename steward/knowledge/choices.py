"""Knowledge enumerations; badge colours are ``.status-<value>`` classes in steward.css."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    AGENTS = "agents", _("Agents only")


class JourneyStart(models.TextChoices):
    """What began a self-help journey in the portal (docs/knowledge.md, "Deflection")."""

    SEARCH = "search", _("Searched the portal")
    REPORT = "report", _("Started to report a problem")


# the text fields whose change, on a published article, is a new version
TEXT_FIELDS = ("title", "body")
