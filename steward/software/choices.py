"""Software licence enumerations; badge colours are classes in web/static/web/steward.css
(``.status-<value>``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Metric(models.TextChoices):
    """What one unit of a licence entitles."""

    DEVICE = "device", _("Per device")
    USER = "user", _("Per user")
    CORE = "core", _("Per core")
    SITE = "site", _("Site / unlimited")


class Term(models.TextChoices):
    """A perpetual licence counts from its start for ever; a subscription only within its
    term (start to end): an expired subscription entitles nothing."""

    PERPETUAL = "perpetual", _("Perpetual")
    SUBSCRIPTION = "subscription", _("Subscription")


class Source(models.TextChoices):
    DISCOVERY = "discovery", _("Discovery")
    MANUAL = "manual", _("Manual")


class Position(models.TextChoices):
    """A product's compliance position (the badge on every list)."""

    COMPLIANT = "compliant", _("Compliant")
    SHORTFALL = "shortfall", _("Shortfall")
    UNUSED = "unused", _("Not installed")


class FreedBy(models.TextChoices):
    """Why an installation stopped counting (its seat was freed)."""

    CI_RETIRED = "ci_retired", _("Device retired in the CMDB")
    ASSET_CHECKED_IN = "asset_checked_in", _("Asset checked in")
    ASSET_RETIRED = "asset_retired", _("Asset retired")


# the software lists' column labels, for the catalogue (``columns`` translates them when shown)
COLUMN_LABELS = (
    gettext_noop("Product"),
    gettext_noop("Publisher"),
    gettext_noop("Compliance"),
    gettext_noop("Devices"),
    gettext_noop("Users"),
    gettext_noop("Cores"),
    gettext_noop("Balance"),
    gettext_noop("Device"),
    gettext_noop("Name"),
    gettext_noop("User"),
    gettext_noop("Source"),
    gettext_noop("Last seen"),
)
