"""A CI's history from the audit log: the timeline of its changes, and its state "as of" a
past moment (fields, attributes and relationships in both directions).

Relationship changes are written twice: on the relationship itself (as every record is) and
on both its CIs, as an ``update`` entry whose ``relationship`` change carries the link. So a
CI's whole past is one range of the audit index ``(content_type, object_id, id)``: no scan
of the relationship audit rows, whatever the size of the CMDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from steward.cmdb.choices import attribute_label, shown_name
from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors import cis as selectors
from steward.cmdb.selectors import relationships as rel_selectors
from steward.cmdb.selectors.classes import class_tree
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.datetimes import check_bounds
from steward.core.errors import NotFound, ValidationFailed
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


def parse_as_of(raw: str | None, *, field_name: str = "as_of") -> dt.datetime | None:
    """An ISO 8601 date and time (a naive one is in the current time zone); None when empty;
    else a 422 naming the parameter."""
    if raw is None or not raw.strip():
        return None
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationFailed.one(
            field_name, "expected an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z"
        ) from exc
    check_bounds(field_name, value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


@dataclass
class CIPast:
    """A CI as it was at ``as_of``: an unsaved ``ConfigurationItem`` (so the API schema and
    the templates render it like the live one) and its relationships then."""

    ci: ConfigurationItem
    as_of: dt.datetime
    outgoing: list[Relationship] = field(default_factory=list)
    incoming: list[Relationship] = field(default_factory=list)

    @property
    def relationships(self) -> list[Relationship]:
        return self.outgoing + self.incoming


def _entries(ci: ConfigurationItem, *, until: dt.datetime | None = None):
    """The CI's audit entries, oldest first: one range of the (type, object, id) index."""
    ct = ContentType.objects.get_for_model(ConfigurationItem)
    qs = AuditEntry.objects.filter(content_type=ct, object_id=str(ci.pk))
    if until is not None:
        qs = qs.filter(at__lte=until)
    return qs.order_by("id")


def _fold(entries: Iterable[AuditEntry]) -> tuple[dict, dict[int, tuple], dict[str, Any]]:
    """(fields, links by id → (link, added at), facts): the audit entries replayed."""
    fields: dict[str, Any] = {}
    links: dict[int, tuple[dict, dt.datetime]] = {}
    facts: dict[str, Any] = {"created_at": None, "updated_at": None, "version": 0}
    for entry in entries:
        if entry.action == AuditAction.CREATE:
            fields = {name: new for name, (_old, new) in entry.changes.items()}
            facts.update(created_at=entry.at, updated_at=entry.at, version=1)
            links.clear()
            continue
        if not facts["created_at"]:
            continue  # nothing can precede the creation; ignore stray rows
        link_change = entry.changes.get(LINK)
        if link_change is not None:
            old, new = link_change
            if new:
                links[new["id"]] = (new, entry.at)
            elif old:
                links.pop(old["id"], None)
        field_changes = {k: v for k, v in entry.changes.items() if k != LINK}
        if field_changes:
            for name, (_old, new) in field_changes.items():
                fields[name] = new
            facts["updated_at"] = entry.at
            facts["version"] += 1  # every field update bumps the version once
    return fields, links, facts


def _by_id(model: type, ids: set[Any]) -> dict[Any, Any]:
    wanted = {i for i in ids if i is not None}
    return model.objects.in_bulk(wanted) if wanted else {}


def ci_as_of(actor: Actor, number: str, at: dt.datetime) -> CIPast:
    """The CI ``number`` (visible to the actor) as it was at ``at``; ``NotFound`` saying so
    when it did not exist yet. Relationships to CIs the actor may not see are left out."""
    # only the id is needed (the past has its own class, teams, ...): no joins here
    current = selectors.ci_visible(actor).only("id", "number").filter(number=number).first()
    if current is None:
        raise NotFound()
    fields, links, facts = _fold(_entries(current, until=at))
    if facts["created_at"] is None:
        raise NotFound(f"{number} did not exist yet at {at.isoformat()}.")
    wanted: dict[type, set[Any]] = {}
    for name, model in REFERENCES.items():
        wanted.setdefault(model, set()).add(fields.get(name))
    rows = {model: _by_id(model, ids) for model, ids in wanted.items()}  # a query per table
    values = {
        name: fields.get(name)
        for name in (
            "name",
            "description",
            "attributes",
            "status",
            "environment",
            "criticality",
            "software_version",
        )
    }
    past = ConfigurationItem(
        id=current.id,
        number=current.number,
        version=facts["version"],
        created_at=facts["created_at"],
        updated_at=facts["updated_at"],
        **{k: v if v is not None else _default(k) for k, v in values.items()},
    )
    for name, model in REFERENCES.items():
        setattr(past, name, rows[model].get(fields.get(name)))
    result = CIPast(ci=past, as_of=at)
    _attach_links(actor, result, current, links)
    return result


def _default(name: str) -> Any:
    return ConfigurationItem._meta.get_field(name).get_default()


def _attach_links(
    actor: Actor, result: CIPast, current: ConfigurationItem, links: dict[int, tuple]
) -> None:
    """Relationships rebuilt between the CIs as they are now (two queries); capped as live."""
    numbers = {n for link, _ in links.values() for n in (link["source"], link["target"])}
    cis = selectors.ci_choices(actor, numbers - {current.number})
    cis[current.number] = result.ci
    kinds = {link["type"] for link, _ in links.values()}
    types = {t.slug: t for t in RelationshipType.objects.filter(slug__in=kinds)} if kinds else {}
    for link, added_at in sorted(links.values(), key=lambda item: (item[0]["type"], item[0]["id"])):
        source, target = cis.get(link["source"]), cis.get(link["target"])
        kind = types.get(link["type"]) or RelationshipType(slug=link["type"], name=link["type"])
        if source is None or target is None:
            continue  # the other end is invisible to the actor (or gone)
        if len(result.outgoing) + len(result.incoming) == rel_selectors.CI_RELATIONSHIPS_MAX:
            break
        row = Relationship(id=link["id"], source=source, target=target, type=kind)
        row.created_at = added_at
        (result.outgoing if source is result.ci else result.incoming).append(row)


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
    names = {model: _by_id(model, wanted) for model, wanted in ids.items()}
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
