"""Request and task lifecycles, declared once: services enforce them, pages draw buttons
from them. A request's moves are made by the system as approvals and tasks finish; people
move tasks (take, complete) and may cancel a request still awaiting approval."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from steward.catalog.choices import RequestStatus, TaskStatus
from steward.core.workflow import Transition, Workflow

_R = RequestStatus
REQUEST_FLOW = Workflow(
    states=tuple(RequestStatus.values),
    transitions=[
        Transition(_R.APPROVAL, _R.FULFILMENT, label=_("Approved")),
        Transition(_R.APPROVAL, _R.REJECTED, label=_("Rejected")),
        Transition(_R.APPROVAL, _R.CANCELLED, label=_("Cancel request")),
        Transition(_R.FULFILMENT, _R.COMPLETED, label=_("Completed")),
        Transition(_R.FULFILMENT, _R.CANCELLED, label=_("Cancel request")),
    ],
)

_T = TaskStatus
TASK_FLOW = Workflow(
    states=tuple(TaskStatus.values),
    transitions=[
        Transition(_T.WAITING, _T.OPEN, label=_("Open")),
        Transition(_T.WAITING, _T.CANCELLED, label=_("Cancel")),
        Transition(_T.OPEN, _T.IN_PROGRESS, label=_("Take")),
        Transition(_T.OPEN, _T.DONE, label=_("Complete")),
        Transition(_T.OPEN, _T.CANCELLED, label=_("Cancel")),
        Transition(_T.IN_PROGRESS, _T.DONE, label=_("Complete")),
        Transition(_T.IN_PROGRESS, _T.OPEN, label=_("Give back")),
        Transition(_T.IN_PROGRESS, _T.CANCELLED, label=_("Cancel")),
    ],
)
