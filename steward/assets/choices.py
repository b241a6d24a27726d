"""Asset enumerations; status badge colours are classes in web/static/web/steward.css
(``.status-<value>``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Status(models.TextChoices):
    ON_ORDER = "on_order", _("On order")
    IN_STOCK = "in_stock", _("In stock")
    DEPLOYED = "deployed", _("Deployed")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")
    DISPOSED = "disposed", _("Disposed")


TERMINAL_STATES = (Status.DISPOSED,)


class Depreciation(models.TextChoices):
    STRAIGHT_LINE = "straight_line", _("Straight-line")
    DECLINING_BALANCE = "declining_balance", _("Declining balance")


class ContractKind(models.TextChoices):
    WARRANTY = "warranty", _("Warranty")
    SUPPORT = "support", _("Support")
    LEASE = "lease", _("Lease")
    MAINTENANCE = "maintenance", _("Maintenance")


class DispositionMethod(models.TextChoices):
    RESALE = "resale", _("Resale")
    DONATION = "donation", _("Donation")
    RECYCLING = "recycling", _("Recycling")
    DESTRUCTION = "destruction", _("Destruction")


class Sanitisation(models.TextChoices):
    """NIST SP 800-88 Rev. 1 media sanitisation levels."""

    CLEAR = "clear", _("Clear")
    PURGE = "purge", _("Purge")
    DESTROY = "destroy", _("Destroy")


# days before a contract ends at which its owner team is reminded, once each
REMINDER_DAYS = (90, 30, 7)


# the asset list's column labels, for the catalogue (``columns`` translates them when shown)
COLUMN_LABELS = (
    gettext_noop("Tag"),
    gettext_noop("Model"),
    gettext_noop("Location"),
    gettext_noop("Serial"),
)
