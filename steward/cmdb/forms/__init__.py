"""CMDB web forms, one module per page group: parse and type the input; the services
validate and decide. The package re-exports every form, so views write
``from steward.cmdb.forms import CIForm`` whatever module it lives in.
"""

from steward.cmdb.forms.cis import ATTR, CIForm, RelationshipForm
from steward.cmdb.forms.classes import BLANK_ROWS, CIClassForm
from steward.cmdb.forms.filters import FIELDS as FILTER_FIELDS
from steward.cmdb.forms.filters import CIFilterForm
from steward.cmdb.forms.imports import ImportForm

__all__ = [
    "ATTR",
    "BLANK_ROWS",
    "FILTER_FIELDS",
    "CIClassForm",
    "CIFilterForm",
    "CIForm",
    "ImportForm",
    "RelationshipForm",
]
