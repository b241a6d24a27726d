"""CMDB import and reconciliation: CIs and relationships from discovery tools and files.

``import_cis(actor, rows, source=..., dry_run=...)`` is the entry point; ``reader`` parses
CSV and JSON, ``reconcile`` and ``relations`` match and plan, ``apply`` writes.
"""

from steward.cmdb.imports.report import Action, ImportReport, RowResult
from steward.cmdb.imports.service import (
    MAX_ROWS,
    import_batch,
    import_cis,
    import_file,
    import_relationships,
)

__all__ = [
    "MAX_ROWS",
    "Action",
    "ImportReport",
    "RowResult",
    "import_batch",
    "import_cis",
    "import_file",
    "import_relationships",
]
