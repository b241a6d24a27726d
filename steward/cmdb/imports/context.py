"""What an import run needs loaded once: classes, sources, and the names rows refer to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steward.cmdb import selectors
from steward.cmdb.models import ImportSource, RelationshipType
from steward.cmdb.selectors import ClassTree
from steward.cmdb.services.identity import MANUAL, MAX_VALUE, family_of, normalise
from steward.cmdb.services.validation import Checker, checker
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed


@dataclass
class Context:
    """Loaded with a handful of queries whatever the batch size."""

    actor: Actor
    tree: ClassTree
    source: ImportSource
    sources: dict[str, ImportSource]
    teams: dict[str, Any]  # slug → visible team
    organisations: dict[str, Any]  # slug → visible organisation
    locations: dict[str, Any]  # name → location
    default_organisation: Any  # for CIs a limited asset manager creates without one
    relationship_types: dict[str, RelationshipType]
    lock: bool = False  # lock matched CIs (a real run) so versions cannot move underneath

    def __post_init__(self) -> None:
        self._cache: dict[tuple[str, int], Any] = {}
        self._facts: dict[int, Facts] = {}
        self.column_kinds: dict[str, Any] = {}  # ``rows.split``'s column roles, by name

    def facts(self, cls: Any) -> Facts:
        """What a row of ``cls`` is checked and matched with, gathered once per class: one
        lookup per row instead of one per fact (profiled: a row asked for five)."""
        try:
            return self._facts[cls.id]
        except KeyError:
            found = self._facts[cls.id] = Facts(
                self.checker(cls), self.keys(cls), self.family(cls).id, self.required(cls)
            )
            return found

    def _cached(self, kind: str, cls: Any, compute: Any) -> Any:
        """Class facts are asked for once per row: compute them once per class."""
        key = (kind, cls.id)
        try:
            return self._cache[key]
        except KeyError:
            found = self._cache[key] = compute(cls)
            return found

    def schema(self, cls: Any) -> dict[str, dict[str, Any]]:
        return self._cached("schema", cls, self.tree.schema)

    def checker(self, cls: Any) -> Checker:
        """The class's attribute checker for import cells, compiled once per run."""
        return self._cached("checker", cls, lambda c: checker(self.schema(c), text=True))

    def keys(self, cls: Any) -> list[str]:
        return self._cached("keys", cls, self.tree.keys)

    def family(self, cls: Any) -> Any:
        return self._cached("family", cls, lambda c: family_of(self.tree, c))

    def required(self, cls: Any) -> list[str]:
        return self._cached(
            "required", cls, lambda c: [n for n, s in self.schema(c).items() if s.get("required")]
        )

    def identifiers(self, cls: Any, values: dict[str, Any]) -> dict[str, str]:
        """The class's identification values in ``values``, normalised, in key order."""
        return identifiers_in(self.keys(cls), values)

    def rank(self, source_name: str, name: str) -> int:
        """A source's precedence for a field or attribute; a source since removed ranks 0."""
        source = self.sources.get(source_name)
        return source.rank(name) if source is not None else 0


@dataclass(slots=True)
class Facts:
    """A class's compiled attribute checker, identification keys, family id and required
    attributes (``Context.facts``)."""

    checker: Checker
    keys: list[str]
    family_id: int
    required: list[str]


def identifiers_in(keys: list[str], values: dict[str, Any]) -> dict[str, str]:
    """``{key: normalise(value)}`` for ``keys`` with a usable value in ``values``; a plain
    string (a CSV cell, the usual case) is normalised here as ``normalise`` does it."""
    found = {}
    for key in keys:
        value = values.get(key)
        if value is None:
            continue
        if value.__class__ is str:
            text = value.strip().lower()
            if text:
                found[key] = text[:MAX_VALUE]
            continue
        value = normalise(value)
        if value is not None:
            found[key] = value
    return found


def load(actor: Actor, source: str) -> Context:
    """The context for ``actor`` importing from ``source`` (which must be registered)."""
    sources = {s.name: s for s in ImportSource.objects.all()}
    if source == MANUAL:
        raise ValidationFailed.one("source", "manual is people's edits; name the import's source")
    if source not in sources:
        known = ", ".join(sorted(set(sources) - {MANUAL})) or "none registered"
        raise ValidationFailed.one("source", f"no import source {source!r} (known: {known})")
    organisations = {o.slug: o for o in core_selectors.organisation_visible(actor)}
    served = core_selectors.served_organisation_ids(actor)
    default = min(organisations.values(), key=lambda o: o.id) if served and organisations else None
    return Context(
        actor=actor,
        tree=selectors.class_tree(),
        source=sources[source],
        sources=sources,
        teams={t.slug: t for t in core_selectors.team_visible(actor)},
        organisations=organisations,
        locations={loc.name: loc for loc in core_selectors.location_visible(actor)},
        default_organisation=default,
        relationship_types={t.slug: t for t in selectors.relationship_types()},
    )


def import_sources() -> list[ImportSource]:
    """Sources an import may name (``manual`` is people's edits, never an import)."""
    return list(ImportSource.objects.exclude(name=MANUAL).order_by("precedence", "name"))
