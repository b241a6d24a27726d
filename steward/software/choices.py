"""Software licence enumerations; badge colours are classes in web/static/web/steward.css
(``.status-<value>``)."""

from django.db import models


class Metric(models.TextChoices):
    """What one unit of a licence entitles."""

    DEVICE = "device", "Per device"
    USER = "user", "Per user"
    CORE = "core", "Per core"
    SITE = "site", "Site / unlimited"


class Term(models.TextChoices):
    """A perpetual licence counts from its start for ever; a subscription only within its
    term (start to end): an expired subscription entitles nothing."""

    PERPETUAL = "perpetual", "Perpetual"
    SUBSCRIPTION = "subscription", "Subscription"


class Source(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    MANUAL = "manual", "Manual"


class Position(models.TextChoices):
    """A product's compliance position (the badge on every list)."""

    COMPLIANT = "compliant", "Compliant"
    SHORTFALL = "shortfall", "Shortfall"
    UNUSED = "unused", "Not installed"


class FreedBy(models.TextChoices):
    """Why an installation stopped counting (its seat was freed)."""

    CI_RETIRED = "ci_retired", "Device retired in the CMDB"
    ASSET_CHECKED_IN = "asset_checked_in", "Asset checked in"
    ASSET_RETIRED = "asset_retired", "Asset retired"
