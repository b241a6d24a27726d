"""The problem lifecycle, declared once: services enforce it, the UI draws buttons from it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from steward.core.workflow import Transition, Workflow
from steward.problems.choices import Status

# what each move needs on the record (or in the same change)
KNOWN_ERROR_NEEDS = ("workaround",)
RESOLVE_NEEDS = ("root_cause", "resolution_notes")

_S = Status
PROBLEM_FLOW = Workflow(
    states=tuple(Status.values),
    transitions=[
        Transition(_S.NEW, _S.INVESTIGATING, label=_("Start investigation")),
        Transition(_S.NEW, _S.CANCELLED, label=_("Cancel")),
        Transition(
            _S.INVESTIGATING,
            _S.KNOWN_ERROR,
            requires=KNOWN_ERROR_NEEDS,
            label=_("Publish known error"),
        ),
        Transition(_S.INVESTIGATING, _S.RESOLVED, requires=RESOLVE_NEEDS, label=_("Resolve")),
        Transition(_S.INVESTIGATING, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.KNOWN_ERROR, _S.RESOLVED, requires=RESOLVE_NEEDS, label=_("Resolve")),
        Transition(_S.KNOWN_ERROR, _S.INVESTIGATING, label=_("Withdraw known error")),
        Transition(_S.KNOWN_ERROR, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.RESOLVED, _S.CLOSED, label=_("Close")),
        Transition(_S.RESOLVED, _S.INVESTIGATING, label=_("Reopen")),
    ],
)
