"""Knowledge enumerations; badge colours are ``.status-<value>`` classes in steward.css."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    AGENTS = "agents", "Agents only"


class JourneyStart(models.TextChoices):
    """What began a self-help journey in the portal (docs/knowledge.md, "Deflection")."""

    SEARCH = "search", "Searched the portal"
    REPORT = "report", "Started to report a problem"


# the text fields whose change, on a published article, is a new version
TEXT_FIELDS = ("title", "body")
