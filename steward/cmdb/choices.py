"""CMDB enumerations, with the colours the UI shows beside them."""

from collections.abc import Mapping
from typing import Any

from django.db import models


class AttributeType(models.TextChoices):
    STRING = "string", "Text"
    INTEGER = "integer", "Whole number"
    DECIMAL = "decimal", "Decimal number"
    BOOLEAN = "boolean", "Yes / no"
    DATE = "date", "Date"
    ENUM = "enum", "One of a list"
    IP = "ip", "IP address"
    REFERENCE = "reference", "Another CI"


class CIStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    LIVE = "live", "Live"
    MAINTENANCE = "maintenance", "In maintenance"
    RETIRED = "retired", "Retired"


class Environment(models.TextChoices):
    PRODUCTION = "production", "Production"
    STAGING = "staging", "Staging"
    TEST = "test", "Test"
    DEVELOPMENT = "development", "Development"


class Criticality(models.IntegerChoices):
    CRITICAL = 1, "1 - Critical"
    HIGH = 2, "2 - High"
    MEDIUM = 3, "3 - Medium"
    LOW = 4, "4 - Low"


class Direction(models.TextChoices):
    UP = "up", "Who depends on it"
    DOWN = "down", "What it depends on"


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
ACRONYMS = {"cpu", "dns", "fqdn", "id", "ip", "mac", "os", "sku", "url", "uuid", "vm"}
UNITS = {"gb": "(GB)", "mb": "(MB)", "tb": "(TB)", "ghz": "(GHz)"}


def attribute_label(spec: Mapping[str, Any]) -> str:
    """The attribute's own label, else its name in words."""
    if spec.get("label"):
        return str(spec["label"])
    words = []
    for i, word in enumerate(str(spec["name"]).split("_")):
        if word in ACRONYMS:
            words.append(word.upper())
        elif word in UNITS and i:
            words.append(UNITS[word])
        else:
            words.append(word.capitalize() if not i else word)
    return " ".join(words)
