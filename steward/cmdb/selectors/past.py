"""A CI's state "as of" a past moment, replayed from its audit entries: fields, attributes
and relationships in both directions (the timeline of its changes: ``history``).

Relationship changes are written on both CIs too (``history.LINK``), so a CI's whole past
is one range of the audit index ``(content_type, object_id, id)``, read in one statement
and streamed: the replay holds one chunk of entries at a time, whatever the history's
length, and its result is the CI of then (decisions 0121, 0124).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.cmdb.models import ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors import cis as selectors
from steward.cmdb.selectors import relationships as rel_selectors
from steward.cmdb.selectors.history import LINK, REFERENCES, by_id
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.datetimes import check_bounds
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import AuditEntry

# audit entries the replay fetches at a time: a hub CI's past (thousands of links added and
# removed) streams through a bounded buffer instead of one list of every entry
REPLAY_CHUNK = 1000


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


def _entries(ci: ConfigurationItem, *, until: dt.datetime) -> Iterator[tuple]:
    """The CI's audit entries up to ``until``, oldest first, as (action, changes, at): one
    range of the (type, object, id) index, one statement, the replay's three columns only,
    streamed ``REPLAY_CHUNK`` rows at a time (a server-side cursor on PostgreSQL), so a CI
    with years of link changes is never held in memory whole (decision 0124)."""
    ct = ContentType.objects.get_for_model(ConfigurationItem)
    qs = AuditEntry.objects.filter(content_type=ct, object_id=str(ci.pk), at__lte=until)
    rows = qs.order_by("id").values_list("action", "changes", "at")
    return rows.iterator(chunk_size=REPLAY_CHUNK)


def _fold(entries: Iterable[tuple]) -> tuple[dict, dict[int, tuple], dict[str, Any]]:
    """(fields, links by id → (link, added at), facts): the audit entries (action, changes,
    at) replayed, one at a time."""
    fields: dict[str, Any] = {}
    links: dict[int, tuple[dict, dt.datetime]] = {}
    facts: dict[str, Any] = {"created_at": None, "updated_at": None, "version": 0}
    for action, changes, at in entries:
        if action == AuditAction.CREATE:
            fields = {name: new for name, (_old, new) in changes.items()}
            facts.update(created_at=at, updated_at=at, version=1)
            links.clear()
            continue
        if not facts["created_at"]:
            continue  # nothing can precede the creation; ignore stray rows
        link_change = changes.get(LINK)
        if link_change is not None:
            old, new = link_change
            if new:
                links[new["id"]] = (new, at)
            elif old:
                links.pop(old["id"], None)
        field_changes = {k: v for k, v in changes.items() if k != LINK}
        if field_changes:
            for name, (_old, new) in field_changes.items():
                fields[name] = new
            facts["updated_at"] = at
            facts["version"] += 1  # every field update bumps the version once
    return fields, links, facts


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
    rows = {model: by_id(model, ids) for model, ids in wanted.items()}  # a query per table
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
