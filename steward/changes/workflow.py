"""The change lifecycle, declared once: services enforce it, the UI draws buttons from it.

Guards that need the database (conflicts and freeze windows) run in the scheduling service
after these checks; what is here only reads the change and the submitted values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steward.changes.choices import ApprovalState, ChangeType, Outcome, RiskLevel, Status
from steward.core.workflow import Transition, Workflow

PLANS = ("implementation_plan", "backout_plan", "test_plan")
WINDOW = ("planned_start", "planned_end")
SCHEDULE = (*WINDOW, *PLANS)


def _value(change: Any, data: Mapping[str, Any], name: str) -> Any:
    return data[name] if name in data else getattr(change, name, None)


def _not_standard(change: Any, data: Mapping[str, Any]) -> str | None:
    if change.type == ChangeType.STANDARD:
        return gettext("standard changes are pre-approved: schedule them without authorisation")
    return None


def _only_standard(change: Any, data: Mapping[str, Any]) -> str | None:
    if change.type != ChangeType.STANDARD:
        return gettext("only standard changes skip authorisation; request approval first")
    return None


def _approved(change: Any, data: Mapping[str, Any]) -> str | None:
    if change.approval_state not in (ApprovalState.APPROVED, ApprovalState.NOT_REQUIRED):
        state = change.approval_state
        label = ApprovalState(state).label if state in ApprovalState.values else state
        return gettext("needs an approved authorisation (approvals: %(state)s)") % {"state": label}
    return None


def _emergency(change: Any, data: Mapping[str, Any]) -> str | None:
    if change.type != ChangeType.EMERGENCY:
        return gettext("only emergency changes are implemented before they are scheduled")
    return None


def _failed_outcome(change: Any, data: Mapping[str, Any]) -> str | None:
    if _value(change, data, "outcome") not in (Outcome.FAILED, Outcome.BACKED_OUT):
        # in the outcome's own words, as its drop-down offers it ("backed_out" was the API's)
        return gettext("a failed change needs the outcome “Failed” or “Backed out”")
    return None


# how long before its planned window a scheduled change starts without a confirmation: a
# start weeks ahead is usually a click on the wrong change (the first-day walkthrough)
EARLY_START = dt.timedelta(hours=1)


def starts_early(change: Any, at: dt.datetime) -> bool:
    """Whether starting the scheduled ``change`` at ``at`` is more than ``EARLY_START``
    before its planned window (the start needs ``start_early`` then)."""
    start = getattr(change, "planned_start", None)
    return change.status == Status.SCHEDULED and start is not None and at < start - EARLY_START


def needs_review(change: Any, data: Mapping[str, Any] | None = None) -> bool:
    """Failed, emergency and high or very-high-risk changes need a post-implementation
    review before they close."""
    outcome = _value(change, data or {}, "outcome")
    return (
        change.status == Status.FAILED
        or outcome in (Outcome.FAILED, Outcome.BACKED_OUT)
        or change.type == ChangeType.EMERGENCY
        or change.risk_level in (RiskLevel.HIGH, RiskLevel.VERY_HIGH)
    )


def _closable(change: Any, data: Mapping[str, Any]) -> str | None:
    if not _value(change, data, "outcome"):
        return gettext("needs an outcome (Successful, Failed or Backed out) before closing")
    if needs_review(change, data) and not data.get("_has_review"):
        return gettext("needs a post-implementation review before closing")
    if change.type == ChangeType.EMERGENCY and change.approval_state != ApprovalState.APPROVED:
        return gettext("an emergency change closes only once it has been authorised")
    return None


# guards that read the change alone (not the values a move submits): a page offers a move
# only when its guard passes, so "Schedule" waits for approval and "Implement now" for an
# emergency
RECORD_GUARDS = (_not_standard, _only_standard, _approved, _emergency)

_S = Status
CHANGE_FLOW = Workflow(
    states=tuple(Status.values),
    transitions=[
        Transition(_S.DRAFT, _S.ASSESSMENT, label=_("Submit for assessment")),
        Transition(_S.DRAFT, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.ASSESSMENT, _S.DRAFT, label=_("Back to draft")),
        Transition(
            _S.ASSESSMENT, _S.AUTHORIZATION, guard=_not_standard, label=_("Request authorisation")
        ),
        Transition(
            _S.ASSESSMENT,
            _S.SCHEDULED,
            requires=SCHEDULE,
            guard=_only_standard,
            label=_("Schedule"),
        ),
        Transition(_S.ASSESSMENT, _S.IMPLEMENTATION, guard=_emergency, label=_("Implement now")),
        Transition(_S.ASSESSMENT, _S.CANCELLED, label=_("Cancel")),
        Transition(
            _S.AUTHORIZATION, _S.SCHEDULED, requires=SCHEDULE, guard=_approved, label=_("Schedule")
        ),
        Transition(_S.AUTHORIZATION, _S.IMPLEMENTATION, guard=_emergency, label=_("Implement now")),
        Transition(_S.AUTHORIZATION, _S.ASSESSMENT, label=_("Back to assessment")),
        Transition(_S.AUTHORIZATION, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.SCHEDULED, _S.IMPLEMENTATION, label=_("Start implementation")),
        Transition(_S.SCHEDULED, _S.ASSESSMENT, label=_("Unschedule")),
        Transition(_S.SCHEDULED, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.IMPLEMENTATION, _S.REVIEW, requires=("outcome",), label=_("Implemented")),
        Transition(_S.IMPLEMENTATION, _S.FAILED, guard=_failed_outcome, label=_("Failed")),
        Transition(_S.REVIEW, _S.CLOSED, guard=_closable, label=_("Close")),
        Transition(_S.REVIEW, _S.FAILED, guard=_failed_outcome, label=_("Failed")),
        Transition(_S.FAILED, _S.CLOSED, guard=_closable, label=_("Close")),
    ],
)
