"""A CI's history from the audit log: the timeline of its changes, a keyset page at a time
(its state "as of" a past moment is rebuilt from the same entries in ``past``).

Relationship changes are written twice: on the relationship itself (as every record is) and
on both its CIs, as an ``update`` entry whose ``relationship`` change carries the link. So a
CI's whole past is one range of the audit index ``(content_type, object_id, id)``: no scan
of the relationship audit rows, whatever the size of the CMDB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext, gettext_noop

from steward.cmdb.choices import attribute_label, shown_name
from steward.cmdb.models import CIClass, ConfigurationItem, RelationshipType
from steward.cmdb.selectors import cis as selectors
from steward.cmdb.selectors.classes import class_tree
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.models import AuditEntry, Location, Organisation, Team
from steward.core.pagination import Page, paginate
from steward.core.selectors.timeline import (
    EMPTY,
    FieldChange,
    field_label,
    format_datetime,
    reader_zone,
)

LINK = "relationship"  # the change name of a relationship entry on a CI
# a page of the CI page's timeline; older changes are a keyset page each ("Older changes")
TIMELINE_PAGE = 50
# foreign keys of a CI as audit snapshots store them (ids), and where their names live
REFERENCES = {
    "ci_class": CIClass,
    "owner_team": Team,
    "support_team": Team,
    "organisation": Organisation,
    "location": Location,
}


def by_id(model: type, ids: set[Any]) -> dict[Any, Any]:
    """The rows of ``model`` with those ids (one query; none for no ids)."""
    wanted = {i for i in ids if i is not None}
    return model.objects.in_bulk(wanted) if wanted else {}


@dataclass
class Change:
    """One line of a CI's timeline, as a person reads it: ``when`` in the reader's zone,
    ``who`` by name, each field by its label with its values shown as the CI page shows
    them (names for ids, labels for choices, Yes/No, "—" for nothing). ``entry.at`` stays
    exact: the line links to the CI as it was right after it."""

    entry: AuditEntry
    kind: str  # created, updated, related, unrelated
    fields: list[FieldChange]
    link: dict[str, Any] | None = None
    when: str = ""
    who: str = ""
    # a discovery report's installations: the products added and removed, by name with a link
    software: dict[str, list[Any]] | None = None


# labels the CI form uses where the model's verbose name reads worse
FIELD_LABELS = {
    "ci_class": gettext_noop("Class"),
    "software_version": gettext_noop("Product version"),
}
# the CI's other fields as the timeline names them (their verbose names), for the catalogue:
# a label is shown in the reader's language
CI_FIELD_LABELS = (
    gettext_noop("Name"),
    gettext_noop("Description"),
    gettext_noop("Attributes"),
    gettext_noop("Status"),
    gettext_noop("Environment"),
    gettext_noop("Criticality"),
    gettext_noop("Owner team"),
    gettext_noop("Support team"),
    gettext_noop("Organisation"),
    gettext_noop("Location"),
)


def _label(name: str, schema: dict[str, dict[str, Any]]) -> str:
    attribute = name.removeprefix("attributes.")
    if attribute != name:
        return attribute_label({"name": attribute, **(schema.get(attribute) or {})})
    return gettext(FIELD_LABELS.get(name) or field_label(ConfigurationItem, name))


def _shown(name: str, value: Any, names: dict[type, dict[Any, Any]]) -> str:
    """One stored value as text: references by name, choices by label."""
    if value is None or value == "":
        return EMPTY
    if name in REFERENCES:
        found = names.get(REFERENCES[name], {}).get(value)
        text = str(found) if found is not None else str(value)
        return shown_name(text) if name == "ci_class" else text
    choices = CHOICES.get(name)
    if choices is not None:
        return str(dict(choices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(value)


CHOICES = {
    name: ConfigurationItem._meta.get_field(name).flatchoices
    for name in ("status", "environment", "criticality")
}


def _link_ends(entries: Iterable[AuditEntry]) -> set[str]:
    """The CI numbers the relationship entries among ``entries`` name."""
    return {
        number
        for entry in entries
        for link in entry.changes.get(LINK) or ()
        if link
        for number in (link["source"], link["target"])
    }


def _link_shown(entry: AuditEntry, visible: Mapping[str, Any]) -> bool:
    """Whether an entry may be shown: a field change, or a link between CIs both seen."""
    link = entry.changes.get(LINK)
    if link is None:
        return True
    shown = link[1] or link[0]
    return bool(shown) and {shown["source"], shown["target"]} <= visible.keys()


def ci_history(
    actor: Actor, ci: ConfigurationItem, *, cursor: str | None = None, limit: int | None = None
) -> tuple[Page, dict[str, str]]:
    """A page of the CI's audit entries, newest first, for agents who see the CI: keyset on
    the entry's id (one range of the audit index ``(content_type, object_id, id)``, so a page
    costs the same statements however long the history), with the names of the CIs its links
    name that the actor sees (number → name). A link to a CI the actor may not see is left
    out, as on the live page and as of a date; its page is then shorter, ``next`` stays."""
    if not actor.is_agent:
        return Page(items=[], next=None), {}
    ct = ContentType.objects.get_for_model(ConfigurationItem)
    qs = AuditEntry.objects.filter(content_type=ct, object_id=str(ci.pk)).select_related("actor")
    size = TIMELINE_PAGE if limit is None else limit
    page = paginate(qs, order=("-id",), cursor=cursor, limit=size)
    ends = _link_ends(page.items)
    visible = (
        dict(selectors.ci_visible(actor).filter(number__in=ends).values_list("number", "name"))
        if ends
        else {}
    )
    page.items = [entry for entry in page.items if _link_shown(entry, visible)]
    return page, visible


class Timeline(list):
    """A page of a CI's timeline: its lines (``Change``), newest first, and ``older``, the
    cursor of the page of older changes (None: the oldest is on this page)."""

    def __init__(self, changes: Iterable[Change], older: str | None) -> None:
        super().__init__(changes)
        self.older = older


def ci_timeline(actor: Actor, ci: ConfigurationItem, *, cursor: str | None = None) -> Timeline:
    """A page of the CI's changes (``TIMELINE_PAGE``), newest first, as a person reads them;
    for agents who see the CI. ``cursor``: the page of older changes ``older`` named."""
    page, visible = ci_history(actor, ci, cursor=cursor)
    entries = page.items
    ids: dict[type, set[Any]] = {}
    for entry in entries:
        for name, (old, new) in entry.changes.items():
            if name in REFERENCES:
                ids.setdefault(REFERENCES[name], set()).update({old, new})
    names = {model: by_id(model, wanted) for model, wanted in ids.items()}
    tree = class_tree()
    schema = tree.schema(tree.by_id[ci.ci_class_id]) if ci.ci_class_id in tree.by_id else {}
    zone = reader_zone(actor)
    ends = _link_ends(entries)  # links to CIs the actor may not see are already left out
    # the link in words: "related CI0000138 vm-0004 hosted on CI0000030 esx-21", not the
    # type's code (one query, only for a timeline with links)
    verbs = dict(RelationshipType.objects.values_list("slug", "name")) if ends else {}

    def line(entry: AuditEntry, kind: str, fields: list, link: Any = None) -> Change:
        who = str(entry.actor) if entry.actor is not None else entry.actor_label
        return Change(entry, kind, fields, link, format_datetime(entry.at, zone), who)

    products = _products(actor, entries)
    timeline = []
    for entry in entries:
        if SOFTWARE in entry.changes:  # written alone, by a device's discovery report
            timeline.append(line(entry, SOFTWARE, []))
            timeline[-1].software = _software_moves(entry.changes[SOFTWARE], products)
            continue
        link = entry.changes.get(LINK)
        if link is not None:
            old, new = link
            shown = new or old
            shown = {
                **shown,
                "source_name": visible[shown["source"]],
                "target_name": visible[shown["target"]],
                "verb": shown_name(verbs.get(shown["type"], shown["type"])).lower(),
            }
            timeline.append(line(entry, "related" if new else "unrelated", [], shown))
            continue
        kind = "created" if entry.action == AuditAction.CREATE else entry.action
        changed = []
        for name, (old, new) in sorted(entry.changes.items()):
            if name == "attributes" and isinstance(old or {}, dict) and isinstance(new, dict):
                changed += _attribute_changes(old or {}, new)
            else:
                changed.append((name, old, new))
        fields = [
            FieldChange(name, _label(name, schema), _shown(name, o, names), _shown(name, n, names))
            for name, o, n in changed
            if kind != "created" or n not in (None, "")
        ]
        timeline.append(line(entry, kind, fields))
    return Timeline(timeline, page.next)


def _attribute_changes(old: dict, new: dict) -> list[tuple[str, Any, Any]]:
    """One line per attribute that changed, rather than the two whole dicts."""
    return [
        (f"attributes.{name}", old.get(name), new.get(name))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


SOFTWARE = "software"  # a device's installations as a discovery report left them (product ids)


def _products(actor: Actor, entries: list[AuditEntry]) -> dict[Any, Any]:
    """The products the timeline's software lines name, by id (one query, only if any)."""
    from steward.software.selectors import product_visible  # software builds on the CMDB

    ids = {
        pk for entry in entries for side in entry.changes.get(SOFTWARE) or () for pk in side or ()
    }
    return product_visible(actor).in_bulk(ids) if ids else {}


def _software_moves(change: Any, products: dict[Any, Any]) -> dict[str, list[Any]]:
    """Installed and removed products (``None`` for one since deleted), in that order."""
    old, new = (set(ids or ()) for ids in change)
    return {
        "added": [products.get(pk) for pk in sorted(new - old)],
        "removed": [products.get(pk) for pk in sorted(old - new)],
    }
