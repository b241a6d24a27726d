"""CMDB enumerations, with the colours the UI shows beside them."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class AttributeType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    BOOLEAN = "boolean", _("Yes / no")
    DATE = "date", _("Date")
    ENUM = "enum", _("One of a list")
    IP = "ip", _("IP address")
    REFERENCE = "reference", _("Another CI")


class CIStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    LIVE = "live", _("Live")
    MAINTENANCE = "maintenance", _("In maintenance")
    RETIRED = "retired", _("Retired")


class Environment(models.TextChoices):
    PRODUCTION = "production", _("Production")
    STAGING = "staging", _("Staging")
    TEST = "test", _("Test")
    DEVELOPMENT = "development", _("Development")


class Criticality(models.IntegerChoices):
    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MEDIUM = 3, _("3 - Medium")
    LOW = 4, _("4 - Low")


class Direction(models.TextChoices):
    UP = "up", _("Who depends on it")
    DOWN = "down", _("What it depends on")


# how far an impact walk goes by default, and at most (the API refuses more)
DEFAULT_DEPTH = 6
MAX_DEPTH = 10
MAX_IMPACT_ROWS = 5000  # the largest page of an impact answer
IMPACT_PAGE = 100  # the API's and the CI page's default page of impact nodes (decision 0022)


STATUS_COLOURS = {
    CIStatus.PLANNED: "#6b7280",
    CIStatus.LIVE: "#15803d",
    CIStatus.MAINTENANCE: "#b45309",
    CIStatus.RETIRED: "#9ca3af",
}


# an attribute without a label of its own is shown by its name in words: the seeded classes'
# ``fqdn``, ``ip_address`` and ``memory_gb`` read "FQDN", "IP address", "Memory (GB)", not
# "Fqdn", "Ip address" and "Memory gb" (nor the raw names the CI page used to print)
ACRONYMS = {"cpu", "dns", "fqdn", "id", "ip", "mac", "os", "sku", "sla", "url", "uuid", "vm"}
UNITS = {"gb": "(GB)", "mb": "(MB)", "tb": "(TB)", "ghz": "(GHz)"}


def attribute_label(spec: Mapping[str, Any]) -> str:
    """The attribute's own label, else its name in words."""
    if spec.get("label"):
        return str(spec["label"])
    return shown_name(_label_from_name(str(spec["name"])))


def _label_from_name(name: str) -> str:
    words = []
    for i, word in enumerate(name.split("_")):
        if word in ACRONYMS:
            words.append(word.upper())
        elif word in UNITS and i:
            words.append(UNITS[word])
        else:
            words.append(word.capitalize() if not i else word)
    return " ".join(words)


# The names of the classes and relationship types the CMDB is seeded with (migration 0002),
# in the reader's language where they are shown; a name an administrator gave is data and
# shows as entered.
SEEDED_NAMES = frozenset(
    (
        gettext_noop("Business service"),
        gettext_noop("Application"),
        gettext_noop("Database"),
        gettext_noop("Server"),
        gettext_noop("Virtual machine"),
        gettext_noop("Container"),
        gettext_noop("Network device"),
        gettext_noop("Storage"),
        gettext_noop("Cloud resource"),
        gettext_noop("Depends on"),
        gettext_noop("Is needed by"),
        gettext_noop("Runs on"),
        gettext_noop("Runs"),
        gettext_noop("Hosted on"),
        gettext_noop("Hosts"),
        gettext_noop("Connects to"),
        gettext_noop("Is connected from"),
        gettext_noop("Part of"),
        gettext_noop("Consists of"),
        # the seeded classes' attributes, by the label ``attribute_label`` gives them
        gettext_noop("Capacity (TB)"),
        gettext_noop("Cluster"),
        gettext_noop("CPU count"),
        gettext_noop("Customer facing"),
        gettext_noop("Engine version"),
        gettext_noop("Firmware version"),
        gettext_noop("Host"),
        gettext_noop("Hypervisor"),
        gettext_noop("Image"),
        gettext_noop("Instance name"),
        gettext_noop("Memory (GB)"),
        gettext_noop("Model"),
        gettext_noop("OS version"),
        gettext_noop("Provider"),
        gettext_noop("Purchase date"),
        gettext_noop("Region"),
        gettext_noop("Resource type"),
        gettext_noop("Runtime"),
        gettext_noop("Serial number"),
        gettext_noop("Service code"),
        gettext_noop("Service owner"),
        gettext_noop("SLA tier"),
        gettext_noop("Storage type"),
        gettext_noop("Tier"),
        gettext_noop("Vendor"),
    )
)


def shown_name(name: str) -> str:
    """A class's or relationship type's name as the reader reads it: a seeded one in their
    language, one an administrator gave as entered."""
    return gettext(name) if name in SEEDED_NAMES else name


# the CMDB lists' column labels, for the catalogue (``columns`` translates them when shown)
COLUMN_LABELS = (
    gettext_noop("Name"),
    gettext_noop("Class"),
    gettext_noop("Environment"),
    gettext_noop("Criticality"),
    gettext_noop("Owner"),
)
