"""What a reader may be told about the records around a change.

A change can name records its reader may not see: a CI of another organisation in its risk
reasons, a conflicting change or a CI in its history. The API lists only what the reader
may see (``linked_prefetches``, ``conflicts_for``); the same words come from here for the
risk reasons and the change page's history, so nothing is named that the reader could not
open.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext

from steward.changes.choices import NOT_ANSWERED, SEEDED_ANSWERS, SEEDED_QUESTIONS
from steward.changes.models import Change
from steward.changes.selectors.conflicts import RELATIONS
from steward.changes.selectors.records import change_comment_page, change_visible
from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.models import AuditEntry
from steward.core.selectors.timeline import TimelineEntry, record_timeline
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors as problem_selectors

# "+1: CI0000182 nw-secret is medium" (risk.assess: the most critical CI or service)
CI_REASON = re.compile(
    r"(?P<points>\+\d+): (?P<number>CI\d+) (?P<name>.*) is (?P<level>[a-z ]+)", re.S
)
# "+2: 1 failed or backed-out change(s) on these CIs in the last 90 days" (risk.assess)
FAILED_REASON = re.compile(
    r"(?P<points>\+\d+): (?P<count>\d+) failed or backed-out change\(s\) on these CIs in the"
    r" last (?P<days>\d+) days"
)
# the criticality levels as risk.assess stores them, for the reader's language
LEVELS = {
    "critical": gettext_noop("critical"),
    "high": gettext_noop("high"),
    "medium": gettext_noop("medium"),
    "low": gettext_noop("low"),
}
HIDDEN = {
    "cis": ("a CI you cannot see", "CIs you cannot see"),
    "impacted_services": ("a service you cannot see", "services you cannot see"),
    "incidents": ("an incident you cannot see", "incidents you cannot see"),
    "problems": ("a problem you cannot see", "problems you cannot see"),
}


def readable_risk_reasons(reasons: Iterable[str], visible_cis: set[str]) -> list[str]:
    """The reasons with a CI the reader may not see named as "a CI you cannot see", in the
    reader's language (they are stored in English; a questionnaire answer's in the reader's
    language when it is a seeded one as seeded, else as its administrator wrote it:
    decision 0120)."""
    return [_readable(reason, visible_cis) for reason in reasons]


# "+4: Does the change need a service outage? Full outage" (risk.assess: "+weight: question
# answer") for each seeded question and answer, by its English text after the points
SEEDED_REASONS = {
    f"{SEEDED_QUESTIONS[question]} {label}": (SEEDED_QUESTIONS[question], label)
    for (question, _answer), label in SEEDED_ANSWERS.items()
}
POINTS = re.compile(r"(?P<points>\+\d+): (?P<said>.*)", re.S)


def _readable(reason: str, visible_cis: set[str]) -> str:
    if reason == NOT_ANSWERED:
        return gettext(NOT_ANSWERED)
    if (match := POINTS.fullmatch(reason)) and (seeded := SEEDED_REASONS.get(match["said"])):
        question, answer = seeded
        return f"{match['points']}: {gettext(question)} {gettext(answer)}"
    if match := CI_REASON.fullmatch(reason):
        level = gettext(LEVELS[match["level"]]) if match["level"] in LEVELS else match["level"]
        if match["number"] not in visible_cis:
            said = gettext("%(points)s: a CI you cannot see is %(level)s")
        else:
            said = gettext("%(points)s: %(number)s %(name)s is %(level)s")
        return said % {**match.groupdict(), "level": level}
    if match := FAILED_REASON.fullmatch(reason):
        return (
            ngettext(
                "%(points)s: %(count)s failed or backed-out change on these CIs in the last"
                " %(days)s days",
                "%(points)s: %(count)s failed or backed-out changes on these CIs in the last"
                " %(days)s days",
                int(match["count"]),
            )
            % match.groupdict()
        )
    return reason


def change_risk_reasons(change: Change) -> list[str]:
    """The risk reasons of a change read by ``change_get`` or ``change_list`` (its CIs and
    impacted services are those its reader may see). A change loaded some other way has
    nothing prefetched, and then no CI is named at all."""
    cache = getattr(change, "_prefetched_objects_cache", {})
    visible = {ci.number for name in ("cis", "impacted_services") for ci in cache.get(name, ())}
    return readable_risk_reasons(change.risk_reasons or [], visible)


def _pairs(row: AuditEntry) -> Iterable[tuple[str, Any]]:
    for name, pair in row.changes.items():
        values = pair if isinstance(pair, list) and len(pair) == 2 else [pair]
        for value in values:
            yield name, value


def _numbers(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _visible(actor: Actor, rows: list[AuditEntry]) -> dict[str, set[str]]:
    """The numbers named in ``rows`` that the actor may see, per kind: one query per kind."""
    named: dict[str, set[str]] = {name: set() for name in (*HIDDEN, "changes")}
    for row in rows:
        for name, value in _pairs(row):
            if name in HIDDEN:
                named[name].update(_numbers(value))
            elif name == "overridden_conflicts" and isinstance(value, dict):
                named["changes"].update(c.get("number") or "" for c in value.get("changes", []))
                named["cis"].update(f.get("ci") or "" for f in value.get("freezes", []))
    named["cis"] |= named.pop("impacted_services")
    readers = {
        "cis": cmdb_selectors.ci_visible,
        "incidents": incident_selectors.incident_visible,
        "problems": problem_selectors.problem_visible,
        "changes": change_visible,
    }
    visible = {
        name: set(
            readers[name](actor).filter(number__in=numbers - {""}).values_list("number", flat=True)
        )
        if numbers - {""}
        else set()
        for name, numbers in named.items()
    }
    visible["impacted_services"] = visible["cis"]
    return visible


def _conflicts_in_words(value: dict, visible: dict[str, set[str]]) -> str:
    lines = []
    for c in value.get("changes", []):
        number = c.get("number")
        where = RELATIONS.get(c.get("relation"), "")
        if number and number in visible["changes"]:
            lines.append(f"{number} {c.get('title', '')}, {where}")
        else:
            lines.append(f"{gettext('a change you cannot see')}, {where}")
    for f in value.get("freezes", []):
        if f.get("ci") and f["ci"] not in visible["cis"]:
            lines.append(gettext("a freeze window you cannot see"))
        else:
            lines.append(gettext("freeze window %(name)s") % {"name": f.get("name", "")})
    return "; ".join(lines)


def history_values(actor: Actor) -> Callable[[list[AuditEntry]], Callable[[str, Any], Any]]:
    """``record_timeline``'s ``values`` for a change: linked CIs, incidents and problems the
    reader may not see are counted, not named; overridden conflicts read as sentences that
    name only what the reader may see."""

    def prepare(rows: list[AuditEntry]) -> Callable[[str, Any], Any]:
        visible = _visible(actor, rows)

        def shown(name: str, value: Any) -> Any:
            if name == "overridden_conflicts" and isinstance(value, dict):
                return _conflicts_in_words(value, visible)
            if name not in HIDDEN or not isinstance(value, list):
                return value
            kept = [v for v in value if v in visible[name]]
            hidden = len(value) - len(kept)
            one, many = HIDDEN[name]
            if hidden:
                kept.append(one if hidden == 1 else f"{hidden} {many}")
            return kept

        return shown

    return prepare


def change_timeline(actor: Actor, change: Change) -> list[TimelineEntry]:
    """The change page's activity: comments the actor may read and, for agents, the history
    as a person reads it, naming nothing the actor may not see."""
    comments = change_comment_page(actor, change, limit=200).items
    return record_timeline(actor, change, comments=comments, values=history_values(actor))
