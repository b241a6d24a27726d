"""A CI's lifecycle, declared once: the CI service refuses any other status move, and the
CI form offers only these (``selectors.ci_capabilities``).

In service (planned, live, in maintenance) a CI moves freely: plans slip back, maintenance
ends or starts again. Any CI can be retired. A retired CI comes back only as planned, so
nobody puts a decommissioned box straight back into production by picking a status.

Imports are not guarded: a discovery tool or spreadsheet reports the state it sees, and
its source's precedence decides (docs/cmdb.md).
"""

from __future__ import annotations

from steward.cmdb.choices import CIStatus
from steward.core.workflow import Transition, Workflow

_S = CIStatus
IN_SERVICE = (_S.PLANNED, _S.LIVE, _S.MAINTENANCE)
LABELS = {
    _S.PLANNED: "Back to planned",
    _S.LIVE: "Put live",
    _S.MAINTENANCE: "Start maintenance",
    _S.RETIRED: "Retire",
}

CI_FLOW = Workflow(
    states=tuple(CIStatus.values),
    transitions=[
        *(
            Transition(source, target, label=LABELS[target])
            for source in IN_SERVICE
            for target in (*IN_SERVICE, _S.RETIRED)
            if source != target
        ),
        Transition(_S.RETIRED, _S.PLANNED, label="Bring back as planned"),
    ],
)
