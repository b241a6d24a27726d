"""The queue's filters a link sets that the filter bar has no control for (the home page's
"open and breached", a lead's "by assignee", a CI page's "incidents of this CI"): named
above the rows as removable chips, carried in the bar's hidden fields so they survive its
changes. Every value shown or carried is the one read back through the reader's scope, never
the query string's text: a filter naming a person, CI or category the reader cannot see (or
nothing) is left out of the rows and said to be, without its value (decision 0118)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steward.core.actor import Actor
from steward.core.selectors.timeline import format_datetime, reader_zone
from steward.incidents import selectors
from steward.incidents.filters import IncidentFilters

# the filters named here, in the order the chips show them
LINKED = (
    "assignee",
    "caller",
    "ci",
    "service",
    "category",
    "breached",
    "major",
    "breaching_within",
    "created_after",
    "created_before",
)
# the filters naming a record, each read back through the reader's scope
NAMING = ("assignee", "caller", "ci", "service", "category")
LABELS = {
    "assignee": _("Assignee"),
    "caller": _("Caller"),
    "ci": _("CI"),
    "service": _("Service"),
    "category": _("Category"),
}
# the bar's own fields that go into a chip's "without" address, as the bar reads them
BAR = ("queue", "q", "status", "priority", "team", "order")


@dataclass(frozen=True)
class Chip:
    """One active filter: what the reader reads, and the queue's address without it."""

    name: str
    text: str
    without: str


@dataclass
class Linked:
    """The chips, the filters left out (their labels), and each linked filter's value as
    the bar carries it ("" for none or left out)."""

    chips: list[Chip] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def _texts(
    filters: IncidentFilters, found: dict[str, Any], zone: dt.tzinfo
) -> dict[str, tuple[str, str]]:
    """Each set linked filter: (the text of its chip, its value as the bar carries it), from
    the parsed filters and the records ``found`` through the reader's scope only."""
    texts: dict[str, tuple[str, str]] = {}
    for name in ("assignee", "caller"):
        person = found.get(name)
        if person is not None:
            key = "me" if name == "assignee" and filters.assignee == "me" else person.username
            who = gettext("you") if key == "me" else (person.get_full_name() or person.username)
            texts[name] = (f"{LABELS[name]}: {who}", key)
    for name in ("ci", "service"):
        ci = found.get(name)
        if ci is not None:
            texts[name] = (f"{LABELS[name]}: {ci.number} {ci.name}", ci.number)
    if "category" in found:
        texts["category"] = (
            f"{LABELS['category']}: {found['category'].name}",
            found["category"].slug,
        )
    if filters.breached is not None:
        said = gettext("SLA breached") if filters.breached else gettext("SLA not breached")
        texts["breached"] = (said, "true" if filters.breached else "false")
    if filters.major is not None:
        said = gettext("Major only") if filters.major else gettext("Not major")
        texts["major"] = (said, "true" if filters.major else "false")
    if filters.breaching_within is not None:
        minutes = filters.breaching_within
        said = gettext("Breaching within %(minutes)s min") % {"minutes": minutes}
        texts["breaching_within"] = (said, str(minutes))
    for name, word in (
        ("created_after", gettext("Opened after %(moment)s")),
        ("created_before", gettext("Opened before %(moment)s")),
    ):
        moment = getattr(filters, name)
        if moment is not None:
            # in the house style and the reader's zone (it read "Sept. 21, 2026, midnight")
            said = format_datetime(moment, zone)
            texts[name] = (word % {"moment": said}, moment.isoformat())
    return texts


def linked_filters(
    actor: Actor, filters: IncidentFilters, bar: dict[str, Any], queue_url: str
) -> Linked:
    """The linked filters of ``filters`` (parsed: a refused one is already out) as chips;
    ``bar``: the bar's values as it shows them, which each chip's "without" address keeps."""
    asked = {name: getattr(filters, name) for name in NAMING if getattr(filters, name)}
    found = selectors.queue_filter_subjects(actor, asked) if asked else {}
    linked = Linked(values=dict.fromkeys(LINKED, ""))
    linked.left_out = [str(LABELS[name]) for name in NAMING if name in asked and name not in found]
    texts = _texts(filters, found, reader_zone(actor))
    for name, (_text, value) in texts.items():
        linked.values[name] = value
    for name in LINKED:
        if name in texts:
            rest = {**{n: bar.get(n) for n in BAR}, **linked.values, name: ""}
            linked.chips.append(Chip(name, texts[name][0], f"{queue_url}?{_query(rest)}"))
    return linked


def page_query(bar: dict[str, Any], linked: Linked) -> str:
    """The queue's address as the page holds it (the bar's values and the linked filters as
    read back): what the bulk actions come back to and a saved view keeps, so neither
    repeats a value of the query string the page did not take (decision 0118)."""
    return _query({**bar, **linked.values})


def _query(values: dict[str, Any]) -> str:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        for one in value if isinstance(value, list | tuple) else [value]:
            if one not in (None, ""):
                query.appendlist(name, str(one))
    return query.urlencode()
