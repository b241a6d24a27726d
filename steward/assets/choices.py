"""Asset enumerations; status badge colours are classes in web/static/web/steward.css
(``.status-<value>``)."""

from django.db import models


class Status(models.TextChoices):
    ON_ORDER = "on_order", "On order"
    IN_STOCK = "in_stock", "In stock"
    DEPLOYED = "deployed", "Deployed"
    IN_REPAIR = "in_repair", "In repair"
    RETIRED = "retired", "Retired"
    DISPOSED = "disposed", "Disposed"


TERMINAL_STATES = (Status.DISPOSED,)


class Depreciation(models.TextChoices):
    STRAIGHT_LINE = "straight_line", "Straight-line"
    DECLINING_BALANCE = "declining_balance", "Declining balance"


class ContractKind(models.TextChoices):
    WARRANTY = "warranty", "Warranty"
    SUPPORT = "support", "Support"
    LEASE = "lease", "Lease"
    MAINTENANCE = "maintenance", "Maintenance"


class DispositionMethod(models.TextChoices):
    RESALE = "resale", "Resale"
    DONATION = "donation", "Donation"
    RECYCLING = "recycling", "Recycling"
    DESTRUCTION = "destruction", "Destruction"


class Sanitisation(models.TextChoices):
    """NIST SP 800-88 Rev. 1 media sanitisation levels."""

    CLEAR = "clear", "Clear"
    PURGE = "purge", "Purge"
    DESTROY = "destroy", "Destroy"


# days before a contract ends at which its owner team is reminded, once each
REMINDER_DAYS = (90, 30, 7)
