"""One CI row on its own: split into fields and attributes, typed, checked. No queries: the
context holds every name a row may refer to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steward.cmdb.choices import CIStatus, Criticality, Environment
from steward.cmdb.imports.context import Context, identifiers_in
from steward.cmdb.models import CI_FIELDS

# CI fields a row may set; every other column is an attribute of the row's class
FIELDS = CI_FIELDS
REFERENCES = {"owner_team": "teams", "support_team": "teams", "organisation": "organisations"}
CLASS_COLUMNS = ("ci_class", "class")
IGNORED = {"version", "created_at", "updated_at"}  # columns of our own export
REQUIRED = "required for this class"
# the choices as sets, once: ``Choices.values`` builds its list on every call
STATUSES, ENVIRONMENTS = frozenset(CIStatus.values), frozenset(Environment.values)
CRITICALITIES = frozenset(Criticality.values)


@dataclass(slots=True)
class CIRow:
    """A checked row: model-ready field values, clean attributes, how to recognise it."""

    row: int
    ci_class: Any = None
    number: str = ""
    external_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # model values (teams as objects)
    attributes: dict[str, Any] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)  # key → normalised value
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# what a column is, decided once per column name and batch (``Context.column_kinds``), not
# by the same comparisons for every cell (profiled: a tenth of a first import)
_SKIP, _NUMBER, _EXTERNAL, _ATTRIBUTES, _FIELD = (object() for _ in range(5))


def _kind(key: str) -> Any:
    """A column's role: one of the markers above, or the attribute's name."""
    if key in CLASS_COLUMNS or key in IGNORED or key == "__extra__":
        return _SKIP
    special = {"number": _NUMBER, "external_id": _EXTERNAL, "attributes": _ATTRIBUTES}
    if key in special:
        return special[key]
    return _FIELD if key in FIELDS else key.removeprefix("attr.")


def split(ctx: Context, index: int, raw: dict[str, Any]) -> CIRow:
    """Fields, attributes and identifiers of one raw row (CSV cells or a JSON object)."""
    result = CIRow(row=index)
    if "__extra__" in raw:
        result.error("row", raw["__extra__"])
    slug = ""
    for column in CLASS_COLUMNS:
        value = raw.get(column)
        if not _empty(value):
            slug = str(value).strip()
            break
    cls = ctx.tree.by_slug.get(slug)
    if not slug:
        result.error("ci_class", "required")
    elif cls is None or not cls.is_active:
        result.error("ci_class", f"no CI class {slug!r}")
    result.ci_class = cls
    given: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    kinds = ctx.column_kinds
    for key, value in raw.items():
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = _kind(key)
        if kind is _SKIP or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if kind.__class__ is str:  # an attribute: its name (most columns of a discovery file)
            attrs[kind] = value
        elif kind is _FIELD:
            given[key] = value
        elif kind is _NUMBER:
            result.number = str(value).strip().upper()
        elif kind is _EXTERNAL:
            result.external_id = str(value).strip()[:255]
        elif isinstance(value, dict):  # _ATTRIBUTES
            attrs |= {k: v for k, v in value.items() if not _empty(v)}
        else:
            result.error("attributes", "expected an object of attribute values")
    if given:
        _fields(ctx, result, given)
    if cls is not None:
        facts = ctx.facts(cls)
        # the class's compiled checker: each cell read as its attribute's type, then checked
        # (``validation.checker``: what ``validate`` says, decided once per class)
        clean, errors = facts.checker(attrs)
        for name, messages in errors.items():
            name = name.removeprefix("attributes.")
            for message in messages:
                if message != REQUIRED:  # checked once the row is matched (an update may
                    result.error(name, message)  # rely on the CI's current value)
        result.attributes = clean
        result.identifiers = identifiers_in(facts.keys, clean)
    return result


# the text fields and their longest value; any field not in ``_CHECKED`` is text too
_TEXT_LIMITS = {"name": 200, "software_version": 100}
_CHECKED = {"status", "environment", *REFERENCES, "location", "criticality"}


def _fields(ctx: Context, result: CIRow, given: dict[str, Any]) -> None:
    for name, value in given.items():
        text = value.strip() if isinstance(value, str) else value
        if name not in _CHECKED:  # text: the usual case, tested first
            limit = _TEXT_LIMITS.get(name, 20_000)
            if not isinstance(text, str) or len(text) > limit:
                result.error(name, f"text of at most {limit} characters")
            result.fields[name] = text
        elif name in ("status", "environment"):
            choices = STATUSES if name == "status" else ENVIRONMENTS
            if not isinstance(text, str) or text not in choices:  # (a JSON row may hold a list)
                kinds = CIStatus if name == "status" else Environment
                result.error(name, f"one of {', '.join(kinds.values)}")
            result.fields[name] = text
        elif name in REFERENCES:
            found = getattr(ctx, REFERENCES[name]).get(text)
            if found is None:
                result.error(name, f"no {name.replace('_', ' ')} {text!r}")
            result.fields[name] = found
        elif name == "location":
            found = ctx.locations.get(text)
            if found is None:
                result.error(name, f"no location {text!r}")
            result.fields[name] = found
        elif name == "criticality":
            try:
                number = int(text)
            except (TypeError, ValueError):
                number = 0
            if isinstance(text, bool) or number not in CRITICALITIES:
                result.error(name, "1 (critical) to 4 (low)")
            result.fields[name] = number


def missing_required(ctx: Context, cls: Any, attributes: dict[str, Any]) -> list[str]:
    """Required attributes of ``cls`` without a value in ``attributes``."""
    return [name for name in ctx.facts(cls).required if attributes.get(name) is None]
