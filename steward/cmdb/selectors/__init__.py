"""Every read of the CMDB, scoped to what the actor may see, one module per sub-domain.

The package re-exports each module's public reads, so callers (other apps included) write
``cmdb.selectors.ci_visible(actor)`` whatever module the read lives in.
"""

from steward.cmdb.selectors.cis import (
    NUMBER,
    can_write,
    ci_choices,
    ci_for_update,
    ci_get,
    ci_list,
    ci_nameable,
    ci_suggest,
    ci_visible,
)
from steward.cmdb.selectors.classes import (
    ClassTree,
    ci_class_get,
    ci_class_list,
    ci_class_page,
    ci_class_visible,
    class_tree,
    relationship_type_get,
    relationship_type_page,
    relationship_type_visible,
    relationship_types,
)
from steward.cmdb.selectors.impact import (
    DEFAULT_DEPTH,
    MAX_DEPTH,
    MAX_IMPACT_ROWS,
    Impact,
    ImpactNode,
    impact,
    impact_from,
    impact_query,
    impacts_from,
    relationship_directions,
)
from steward.cmdb.selectors.permissions import CICapabilities, ci_capabilities, ci_statuses
from steward.cmdb.selectors.relationships import (
    ci_relationships,
    relationship_get,
    relationship_list,
    relationship_visible,
)
from steward.cmdb.selectors.servicemap import MAP_MAX_NODES, Neighbourhood, service_map
from steward.cmdb.selectors.work import OPEN_WORK_ROWS, WorkList, open_work

__all__ = [
    "DEFAULT_DEPTH",
    "MAP_MAX_NODES",
    "MAX_DEPTH",
    "MAX_IMPACT_ROWS",
    "NUMBER",
    "OPEN_WORK_ROWS",
    "CICapabilities",
    "ClassTree",
    "Impact",
    "ImpactNode",
    "Neighbourhood",
    "WorkList",
    "can_write",
    "ci_capabilities",
    "ci_choices",
    "ci_class_get",
    "ci_class_list",
    "ci_class_page",
    "ci_class_visible",
    "ci_for_update",
    "ci_get",
    "ci_list",
    "ci_relationships",
    "ci_statuses",
    "ci_suggest",
    "ci_nameable",
    "ci_visible",
    "class_tree",
    "impact",
    "impact_from",
    "impacts_from",
    "impact_query",
    "open_work",
    "relationship_directions",
    "relationship_get",
    "relationship_list",
    "relationship_type_get",
    "relationship_type_page",
    "relationship_type_visible",
    "relationship_types",
    "relationship_visible",
    "service_map",
]
