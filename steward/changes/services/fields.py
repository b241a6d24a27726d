"""Checking change field values and references before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes import selectors
from steward.changes.choices import (
    Outcome,
)
from steward.changes.models import Change
from steward.changes.services import risk
from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.datetimes import check_bounds
from steward.core.errors import Conflict, PermissionDenied, ValidationFailed
from steward.core.services.common import unknown_ci
from steward.core.services.references import active_team, active_user
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors as problem_selectors

TEXT_FIELDS = {"title", "description", "implementation_plan", "backout_plan", "test_plan"}
EDITABLE = TEXT_FIELDS | {
    "team",
    "assignee",
    "requester",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "cis",
    "incidents",
    "problems",
    "risk_answers",
    "outcome",
    "status",
    "override_reason",
    "start_early",
}
# a status move's confirmations (override_reason, start_early) make no sense on a new change
CREATABLE = (
    EDITABLE - {"status", "outcome", "actual_start", "actual_end", "override_reason", "start_early"}
) | {"type", "template"}
AUDITED = [
    "number",
    "title",
    "description",
    "type",
    "status",
    "template",
    "requester",
    "team",
    "assignee",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "risk_answers",
    "risk_score",
    "risk_level",
    "approval_state",
    "implemented_before_authorisation",
    "schedule_override_reason",
    "outcome",
    "closed_at",
]
MAX_TEXT = 100_000


def _after(start: str) -> str:
    """The error beside an end before its start, naming the start in words: the web form
    shows it beside the field, where "planned_start" meant nothing to the person."""
    if start == "planned_start":
        return _("must be after the planned start")
    return _("must be after the actual start")


class ScheduleConflict(Conflict):
    """Scheduling would collide with other changes or a freeze window."""

    code = "schedule_conflict"

    def __init__(self, report: selectors.ConflictReport) -> None:
        super().__init__(
            "The planned window conflicts with: "
            + "; ".join(report.summary())
            + ". Give an override_reason to schedule anyway.",
            fields={"override_reason": ["required to schedule despite conflicts"]},
        )
        self.report = report

    def extra(self) -> dict:
        return {"conflicts": conflict_json(self.report)}


def conflict_json(report: selectors.ConflictReport) -> dict[str, list[dict]]:
    """The report with times as ISO strings (error bodies and audit rows are JSON)."""

    def plain(row: dict) -> dict:
        return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()}

    return {
        "changes": [plain(c) for c in report.changes],
        "freezes": [plain(f) for f in report.freezes],
    }


def require_agent(actor: Actor) -> None:
    if not actor.is_agent:
        raise PermissionDenied(_("Only agents create and edit changes."))


def _aware(field: str, value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed.one(field, _("a date and time, e.g. 2026-05-01T20:00:00Z"))
    if timezone.is_naive(value):
        raise ValidationFailed.one(field, _("needs a time zone (e.g. Z or +02:00)"))
    return check_bounds(field, value)


def clean_values(actor: Actor, values: dict[str, Any], change: Change | None) -> dict[str, Any]:
    """Check every value and reference as a read by the actor before anything is saved."""
    clean = dict(values)
    for name in TEXT_FIELDS & set(clean):
        text = (clean[name] or "").strip()
        if name == "title" and not 0 < len(text) <= 200:
            raise ValidationFailed.one("title", _("required, at most 200 characters"))
        if len(text) > MAX_TEXT:
            raise ValidationFailed.one(
                name, _("at most %(MAX_TEXT)s characters") % {"MAX_TEXT": MAX_TEXT}
            )
        clean[name] = text
    if "team" in clean:
        clean["team"] = active_team(actor, "team", clean["team"])
    for name in ("assignee", "requester"):
        if name in clean:
            clean[name] = active_user(actor, name, clean[name], agent=name == "assignee")
    if "requester" in clean and clean["requester"] is None:
        raise ValidationFailed.one("requester", _("required"))
    for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
        if name in clean:
            clean[name] = _aware(name, clean[name])
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if start in clean or end in clean:
            s = clean.get(start, getattr(change, start, None))
            e = clean.get(end, getattr(change, end, None))
            if s is not None and e is not None and e <= s:
                raise ValidationFailed.one(end, _after(start))
            if start == "planned_start" and s and e and e - s > selectors.MAX_WINDOW:
                raise ValidationFailed.one(
                    end,
                    _("a planned window lasts at most %(days)s days")
                    % {"days": selectors.MAX_WINDOW.days},
                )
    if (
        clean.get("planned_start") is not None
        and clean["planned_start"] < timezone.now()
        and (change is None or clean["planned_start"] != change.planned_start)
    ):
        raise ValidationFailed.one("planned_start", _("the planned window is in the past"))
    if "cis" in clean:
        numbers = clean["cis"] or []
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise ValidationFailed.one("cis", _("a list of CI numbers"))
        wanted = {n.strip().upper() for n in numbers}
        found = cmdb_selectors.ci_choices(actor, wanted)
        missing = sorted(wanted - set(found))
        if missing:
            raise unknown_ci("cis", missing[0])
        clean["cis"] = sorted(found.values(), key=lambda ci: ci.number)
    if "incidents" in clean:
        numbers = clean["incidents"] or []
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise ValidationFailed.one("incidents", _("a list of incident numbers"))
        wanted = {n.strip().upper() for n in numbers}
        found_incidents = list(incident_selectors.incident_visible(actor).filter(number__in=wanted))
        missing = sorted(wanted - {i.number for i in found_incidents})
        if missing:
            raise ValidationFailed.one(
                "incidents", _("no incident %(value)s") % {"value": repr(missing[0])}
            )
        clean["incidents"] = found_incidents
    if "problems" in clean:
        numbers = clean["problems"] or []
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise ValidationFailed.one("problems", _("a list of problem numbers"))
        wanted = {n.strip().upper() for n in numbers}
        found_problems = list(problem_selectors.problem_visible(actor).filter(number__in=wanted))
        missing = sorted(wanted - {p.number for p in found_problems})
        if missing:
            raise ValidationFailed.one(
                "problems", _("no problem %(value)s") % {"value": repr(missing[0])}
            )
        clean["problems"] = found_problems
    if "risk_answers" in clean:
        clean["risk_answers"] = risk.clean_answers(clean["risk_answers"] or {})
    if "outcome" in clean and (clean["outcome"] or "") not in ("", *Outcome.values):
        raise ValidationFailed.one(
            "outcome", _("one of %(value)s") % {"value": ", ".join(Outcome.values)}
        )
    if "outcome" in clean:
        clean["outcome"] = clean["outcome"] or ""  # null clears it (the column is not null)
    if "override_reason" in clean:
        clean["override_reason"] = (clean["override_reason"] or "").strip()[:5000]
    if "start_early" in clean and not isinstance(clean["start_early"], bool | None):
        raise ValidationFailed.one("start_early", _("true or false"))
    return clean
