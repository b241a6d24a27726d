"""The incident lifecycle, declared once: services enforce it, the UI draws buttons from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from steward.core.workflow import Transition, Workflow
from steward.incidents.choices import Status

RESOLVE = ("resolution_code", "resolution_notes")
QUEUED = ("assignee",)  # what a move back to the team's queue empties


def _within_reopen_window(incident: Any, data: Mapping[str, Any]) -> str | None:
    days = data.get("_reopen_days", 7)
    if incident.resolved_at and timezone.now() - incident.resolved_at > dt.timedelta(days=days):
        return ngettext(
            "can only be reopened within %(days)s day of resolution; raise a new incident",
            "can only be reopened within %(days)s days of resolution; raise a new incident",
            days,
        ) % {"days": days}
    return None


def _needs_assignee(incident: Any, data: Mapping[str, Any]) -> str | None:
    if not (data.get("assignee") or incident.assignee_id):
        return gettext("needs an assignee")
    return None


_S = Status
INCIDENT_FLOW = Workflow(
    states=tuple(Status.values),
    transitions=[
        Transition(_S.NEW, _S.ASSIGNED, requires=("team",), label=_("Assign")),
        Transition(_S.NEW, _S.IN_PROGRESS, guard=_needs_assignee, label=_("Start work")),
        Transition(_S.NEW, _S.ON_HOLD, requires=("on_hold_reason",), label=_("Put on hold")),
        Transition(_S.NEW, _S.RESOLVED, requires=RESOLVE, label=_("Resolve")),
        Transition(_S.NEW, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.ASSIGNED, _S.IN_PROGRESS, guard=_needs_assignee, label=_("Start work")),
        Transition(_S.ASSIGNED, _S.ON_HOLD, requires=("on_hold_reason",), label=_("Put on hold")),
        Transition(_S.ASSIGNED, _S.RESOLVED, requires=RESOLVE, label=_("Resolve")),
        Transition(_S.ASSIGNED, _S.CANCELLED, label=_("Cancel")),
        # back to the team's queue: unassigned, as the queue shows it (issue 11)
        Transition(
            _S.IN_PROGRESS, _S.ASSIGNED, requires=("team",), clears=QUEUED, label=_("Hand back")
        ),
        Transition(
            _S.IN_PROGRESS, _S.ON_HOLD, requires=("on_hold_reason",), label=_("Put on hold")
        ),
        Transition(_S.IN_PROGRESS, _S.RESOLVED, requires=RESOLVE, label=_("Resolve")),
        Transition(_S.IN_PROGRESS, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.ON_HOLD, _S.IN_PROGRESS, guard=_needs_assignee, label=_("Resume")),
        Transition(
            _S.ON_HOLD, _S.ASSIGNED, requires=("team",), clears=QUEUED, label=_("Resume in queue")
        ),
        Transition(_S.ON_HOLD, _S.RESOLVED, requires=RESOLVE, label=_("Resolve")),
        Transition(_S.ON_HOLD, _S.CANCELLED, label=_("Cancel")),
        Transition(_S.RESOLVED, _S.CLOSED, label=_("Close")),
        Transition(_S.RESOLVED, _S.IN_PROGRESS, guard=_within_reopen_window, label=_("Reopen")),
    ],
)
