"""What a queue's filters name (a person, a CI, a category), as the reader may see it: the
queue page names a filter a link set only through here, so a filter naming what the reader
cannot see is never repeated to her (decision 0118)."""

from __future__ import annotations

from typing import Any

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.incidents.selectors.classification import category_by_slug

PEOPLE = ("assignee", "caller")
CIS = ("ci", "service")


def queue_filter_subjects(actor: Actor, values: dict[str, str]) -> dict[str, Any]:
    """The record each non-empty naming filter in ``values`` (``assignee``, ``caller``: a
    username, ``assignee`` also ``me``; ``ci``, ``service``: a CI number; ``category``: a
    slug) names, by filter, read through the scopes every other read uses
    (``user_visible``, ``ci_visible``); a filter naming someone or something the actor
    cannot see, or nothing at all, is left out: both answers look the same."""
    found: dict[str, Any] = {}
    people = {values.get(name, "") for name in PEOPLE} - {"", "me"}
    if people:
        users = {
            u.username: u for u in core_selectors.user_visible(actor).filter(username__in=people)
        }
        for name in PEOPLE:
            if values.get(name, "") in users:
                found[name] = users[values[name]]
    if values.get("assignee") == "me" and actor.user is not None:
        found["assignee"] = actor.user
    numbers = {values.get(name, "") for name in CIS} - {""}
    if numbers:
        cis = {c.number: c for c in cmdb_selectors.ci_visible(actor).filter(number__in=numbers)}
        for name in CIS:
            if values.get(name, "") in cis:
                found[name] = cis[values[name]]
    if values.get("category"):
        category = category_by_slug(values["category"])
        if category is not None:
            found["category"] = category
    return found
