"""Identification of CIs: the indexed ``CIIdentifier`` rows behind import matching, and who
owns which value (``attribute_sources``).

The services call ``sync`` after every write that may change a CI's class or attributes, so
the identifier table always mirrors the CIs' identification key values; ``claim`` records
that a source (``manual`` for people) set some fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from steward.cmdb.models import CI_FIELDS, CIIdentifier, ConfigurationItem
from steward.cmdb.selectors import ClassTree

MANUAL = "manual"
MAX_VALUE = 1000
EMPTY = (None, "")
# top-level CI fields whose provenance is tracked (attributes are tracked by their names)
TRACKED_FIELDS = CI_FIELDS


def normalise(value: Any) -> str | None:
    """The comparable form of an identification value: trimmed, case-folded text; None
    for nothing usable (FQDNs, serials and tags are compared case-insensitively)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip().lower()
    return text[:MAX_VALUE] if text else None


def identifiers_of(tree: ClassTree, ci_class: Any, values: Mapping[str, Any]) -> dict[str, str]:
    """``{key: normalised value}`` for the class's identification keys present in ``values``."""
    found = {}
    for key in tree.keys(ci_class):
        value = normalise(values.get(key))
        if value is not None:
            found[key] = value
    return found


def family_of(tree: ClassTree, ci_class: Any) -> Any:
    """The root of the class chain: classes in one family share identifier values."""
    return tree.chain(ci_class)[0]


def rows_for(tree: ClassTree, cis: Iterable[ConfigurationItem]) -> list[CIIdentifier]:
    """Unsaved identifier rows for ``cis`` (which must have primary keys)."""
    rows = []
    for ci in cis:
        cls = tree.by_id[ci.ci_class_id]
        family = family_of(tree, cls)
        for key, value in identifiers_of(tree, cls, ci.attributes or {}).items():
            rows.append(CIIdentifier(family=family, key=key, value=value, ci_id=ci.pk))
    return rows


def new_rows(
    tree: ClassTree, cis: Iterable[tuple[int, Any, Mapping[str, Any]]]
) -> Iterator[tuple[int, str, str, int]]:
    """``(family id, key, value, CI id)`` for each ``(CI id, class, attributes)`` of CIs just
    created (so no rows of theirs to replace): what ``rows_for`` makes, with the class's
    family and keys looked up once per class instead of once per CI (the bulk path)."""
    by_class: dict[int, tuple[int, list[str]]] = {}
    for pk, cls, attributes in cis:
        known = by_class.get(cls.id)
        if known is None:
            known = by_class[cls.id] = (family_of(tree, cls).id, tree.keys(cls))
        family, keys = known
        for key in keys:
            value = normalise(attributes.get(key))
            if value is not None:
                yield family, key, value, pk


def sync(tree: ClassTree, cis: list[ConfigurationItem]) -> None:
    """Make the identifier rows of ``cis`` match their current class and attributes."""
    if not cis:
        return
    ids = [ci.pk for ci in cis]
    for start in range(0, len(ids), 5000):
        CIIdentifier.objects.filter(ci_id__in=ids[start : start + 5000]).delete()
    CIIdentifier.objects.bulk_create(rows_for(tree, cis), batch_size=2000)


def given_names(fields: Mapping[str, Any], attributes: Any) -> list[str]:
    """The fields and attributes a create set to a value (defaults are nobody's)."""
    names = ["name", *(n for n, v in fields.items() if n in TRACKED_FIELDS and v not in EMPTY)]
    if isinstance(attributes, Mapping):
        names += [n for n, v in attributes.items() if v not in EMPTY]
    return names


def changed_names(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Tracked fields and attribute names whose value differs between two audit snapshots."""

    def differs(old: Any, new: Any) -> bool:
        return old != new and not (old in EMPTY and new in EMPTY)

    names = [f for f in TRACKED_FIELDS if differs(before.get(f), after.get(f))]
    old, new = before.get("attributes") or {}, after.get("attributes") or {}
    names += [a for a in sorted(set(old) | set(new)) if differs(old.get(a), new.get(a))]
    return names


def claim(ci: ConfigurationItem, names: Iterable[str], source: str = MANUAL) -> None:
    """Record ``source`` as the last setter of ``names`` on ``ci`` (not saved here)."""
    sources = dict(ci.attribute_sources or {})
    for name in names:
        sources[name] = source
    ci.attribute_sources = sources


def resync_classes(tree: ClassTree, class_ids: Iterable[int]) -> None:
    """Rebuild the identifier rows of every CI of ``class_ids`` (call after a class's
    identification keys or parent change, so imports match on the new keys)."""
    ids = list(class_ids)
    cis = ConfigurationItem.objects.filter(ci_class_id__in=ids).only(
        "id", "ci_class_id", "attributes"
    )
    batch: list[ConfigurationItem] = []
    for ci in cis.iterator(chunk_size=2000):
        batch.append(ci)
        if len(batch) == 2000:
            sync(tree, batch)
            batch = []
    sync(tree, batch)
