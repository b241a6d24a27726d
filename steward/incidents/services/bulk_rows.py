"""The bulk import's rows that break no rule, checked in one pass (decision 0080).

``bulk._build`` judges a row through every rule of ``validation`` and collects each
problem's message; for the rows of an import that are fine (nearly all), ``clean`` tests
the same rules inline against the batch's references (``bulk._Refs``) and gives the same
values, in the same order, without making a message. Any row it does not pass (a broken
rule, or a value of a type its tests do not take) goes to ``_build``, so what a bad row
is told stays ``_build``'s. tests/incidents/test_bulk_rows_unchanged.py compares both
(``CLEAN`` off: every row through ``_build``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from steward.incidents.choices import IncidentChannel, ResolutionCode, Status
from steward.incidents.services import validation

STATUSES = frozenset(Status.values)  # ``values`` builds its list on every read
TIMES = ("opened_at", "first_response_at", "resolved_at", "closed_at")
FIELDS = {
    "title",
    "description",
    "caller",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "team",
    "assignee",
    "status",
    "channel",
    "resolution_code",
    "resolution_notes",
    "is_major",
    "affected_service",
    "configuration_item",
    *TIMES,
    # the row's reference, judged by ``bulk.incidents_import`` before ``clean`` (0094)
    "external_source",
    "external_id",
}


def parse_time(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError("not an ISO 8601 date-time")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


# False: ``clean`` passes no row, so every row is judged by ``bulk._build`` (the import
# before decision 0080); tests compare the rows the two write
CLEAN = True
_CHANNELS = frozenset(IncidentChannel.values)
_CODES = frozenset(ResolutionCode.values)
_DONE = (Status.RESOLVED, Status.CLOSED)


def known(table: Mapping[str, Any], key: Any) -> Any:
    """The referenced record, or None: a reference that is not text (a JSON list, object
    or number in a JSON Lines file) is never clean; the per-field checks word its error."""
    return table.get(key) if key.__class__ is str else None


def clean(row: Mapping[str, Any], refs: Any, now: dt.datetime) -> dict | None:
    """``_build``'s values for a row that breaks no rule, with each rule's test inline and
    no message made; ``None`` for anything else (a bad value, or one of a type the inline
    tests do not take), which ``_build`` then judges with its messages (decision 0080)."""
    if not CLEAN or not row.keys() <= FIELDS:
        return None
    title = row.get("title")
    if title.__class__ is not str:
        return None
    title = title.strip()
    if not title or len(title) > validation.TITLE_MAX:
        return None
    caller = known(refs.users, row.get("caller"))
    if caller is None or not caller.is_active:
        return None
    impact, urgency = row.get("impact", 3), row.get("urgency", 3)
    if impact.__class__ is not int or urgency.__class__ is not int:
        return None
    if not (1 <= impact <= 3 and 1 <= urgency <= 3):
        return None
    key = row.get("category")
    if key is None or key == "":
        category = None
    else:
        category = known(refs.categories, key)
        if category is None or category.parent_id is not None or not category.is_active:
            return None
    key = row.get("subcategory")
    if key is None or key == "":
        subcategory = None
    else:
        subcategory = known(refs.categories, key)
        if (
            subcategory is None
            or category is None
            or subcategory.parent_id != category.pk
            or not subcategory.is_active
        ):
            return None
    key = row.get("team")
    if key is None or key == "":
        team = None
    else:
        team = known(refs.teams, key)
        if team is None or not team.is_active:
            return None
    key = row.get("assignee")
    if key is None or key == "":
        assignee = None
    else:
        assignee = known(refs.users, key)
        if assignee is None or not assignee.is_active or not assignee.is_agent:
            return None
        if team is not None and assignee.pk not in refs.team_members(team):
            return None
    status = row.get("status") or (Status.ASSIGNED if team or assignee else Status.NEW)
    channel = row.get("channel") or IncidentChannel.API
    code = row.get("resolution_code") or ""
    if status.__class__ is not str and status.__class__ is not Status:
        return None
    if channel.__class__ is not str and channel.__class__ is not IncidentChannel:
        return None
    if code.__class__ is not str or (code and code not in _CODES):
        return None
    if status not in STATUSES or channel not in _CHANNELS or (status in _DONE and not code):
        return None
    try:
        times = [parse_time(row.get(field)) for field in TIMES]
    except ValueError:
        return None
    ci = service = None
    key = row.get("configuration_item")
    if key is not None:
        number = validation.ci_number(key)
        if number:
            ci = refs.cis.get(number)
            if ci is None:
                return None
    key = row.get("affected_service")
    if key is not None:
        number = validation.ci_number(key)
        if number:
            service = refs.cis.get(number)
            if service is None or service.ci_class_id not in refs.service_classes:
                return None
    opened_at, first_response_at, resolved_at, closed_at = times
    if status in _DONE and resolved_at is None:
        resolved_at = now
    if status == Status.CLOSED and closed_at is None:
        closed_at = resolved_at
    # the keys in ``_build``'s order
    return {
        "title": title,
        "description": str(row.get("description") or ""),
        "impact": impact,
        "urgency": urgency,
        "category": category,
        "subcategory": subcategory,
        "team": team,
        "assignee": assignee,
        "opened_at": opened_at or now,
        "first_response_at": first_response_at,
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "caller": caller,
        "organisation": caller.organisation,
        "status": status,
        "channel": channel,
        "resolution_code": code,
        "resolution_notes": str(row.get("resolution_notes") or ""),
        "is_major": bool(row.get("is_major")),
        "priority": refs.matrix.get((impact, urgency), min(5, impact + urgency - 1)),
        "affected_service": service,
        "configuration_item": ci,
    }
