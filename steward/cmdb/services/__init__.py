"""Every write of the CMDB, one module per sub-domain: CIs, relationships, classes and
relationship types, the bulk path, identifiers and link history; ``validation`` holds the
pure rules they all call. Imports of files are their own package, ``cmdb.imports``.

The package re-exports the write use cases, so callers (other apps included) write
``cmdb.services.ci_create(actor, ...)`` whatever module the use case lives in.
"""

from steward.cmdb.services.bulk import cis_import, relationships_import
from steward.cmdb.services.cis import AUDITED, ci_create, ci_update, require_write
from steward.cmdb.services.classes import (
    ci_class_create,
    ci_class_update,
    relationship_type_create,
)
from steward.cmdb.services.relationships import relationship_create, relationship_delete

__all__ = [
    "AUDITED",
    "ci_class_create",
    "ci_class_update",
    "ci_create",
    "ci_update",
    "cis_import",
    "relationship_create",
    "relationship_delete",
    "relationship_type_create",
    "relationships_import",
    "require_write",
]
