"""Every read of software licensing, scoped to what the actor may see."""

from steward.software.selectors.compliance import (
    Compliance,
    MetricPosition,
    ReportRow,
    active_licences,
    compliance_of,
    compliance_report,
    with_compliance,
)
from steward.software.selectors.installations import (
    check_source,
    installation_for_update,
    installation_get,
    installation_list,
    installation_visible,
)
from steward.software.selectors.licences import (
    NUMBER,
    licence_for_update,
    licence_get,
    licence_list,
    licence_visible,
    product_licences,
)
from steward.software.selectors.permissions import (
    SoftwareCapabilities,
    can_manage,
    can_read,
    software_capabilities,
)
from steward.software.selectors.products import (
    product_for_update,
    product_get,
    product_list,
    product_rules,
    product_suggest,
    product_visible,
)

__all__ = [
    "NUMBER",
    "Compliance",
    "MetricPosition",
    "ReportRow",
    "SoftwareCapabilities",
    "active_licences",
    "can_manage",
    "can_read",
    "check_source",
    "compliance_of",
    "compliance_report",
    "installation_for_update",
    "installation_get",
    "installation_list",
    "installation_visible",
    "licence_for_update",
    "licence_get",
    "licence_list",
    "licence_visible",
    "product_for_update",
    "product_get",
    "product_licences",
    "product_list",
    "product_rules",
    "product_suggest",
    "product_visible",
    "software_capabilities",
    "with_compliance",
]
