"""Every write of software licensing: products, licences, installations, freed seats."""

from steward.software.services.installations import (
    MAX_REPORTED,
    Reported,
    device_installations_report,
    installation_create,
    installation_delete,
)
from steward.software.services.licences import licence_create, licence_update
from steward.software.services.products import (
    MANAGE_REFUSED,
    product_create,
    product_update,
    require_manage,
)
from steward.software.services.seats import seats_free_for_device, seats_sync_for_cis

__all__ = [
    "MANAGE_REFUSED",
    "MAX_REPORTED",
    "Reported",
    "device_installations_report",
    "installation_create",
    "installation_delete",
    "licence_create",
    "licence_update",
    "product_create",
    "product_update",
    "require_manage",
    "seats_free_for_device",
    "seats_sync_for_cis",
]
