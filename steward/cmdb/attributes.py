"""Attribute schemas of CI classes: inheritance, and validating a CI's values against them.

Pure functions over already-loaded classes: the callers (services, selectors, bulk) load the
class chain and resolve references in bulk, so validation itself never queries.
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from steward.cmdb.choices import AttributeType

NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_STRING = 1000
SPEC_KEYS = {"name", "type", "required", "choices", "reference_class", "label"}


def check_spec(specs: Any) -> list[dict[str, Any]]:
    """A class's own attribute list, checked as data (used when classes are defined)."""
    if not isinstance(specs, list):
        raise ValueError("attributes must be a list")
    seen: set[str] = set()
    clean = []
    for spec in specs:
        if not isinstance(spec, dict) or set(spec) - SPEC_KEYS:
            raise ValueError(f"bad attribute definition {spec!r}")
        name, kind = spec.get("name"), spec.get("type")
        if not isinstance(name, str) or not NAME.match(name) or name in seen:
            raise ValueError(f"bad or repeated attribute name {name!r}")
        if kind not in AttributeType.values:
            raise ValueError(f"{name}: unknown type {kind!r}")
        if kind == AttributeType.ENUM and not (
            isinstance(spec.get("choices"), list) and spec["choices"]
        ):
            raise ValueError(f"{name}: an enum needs choices")
        seen.add(name)
        clean.append({"required": False, **spec})
    return clean


def effective_schema(chain: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Attributes by name along ``chain`` (root first): a subclass adds to and may refine
    (e.g. make required) what it inherits."""
    schema: dict[str, dict[str, Any]] = {}
    for cls in chain:
        for spec in cls.attributes or []:
            schema[spec["name"]] = {**schema.get(spec["name"], {}), **spec}
    return schema


def effective_keys(chain: Iterable[Any]) -> list[str]:
    """Identification keys: the nearest class (leaf first) that declares any."""
    for cls in reversed(list(chain)):
        if cls.identification_keys:
            return list(cls.identification_keys)
    return []


def _one(spec: Mapping[str, Any], value: Any) -> Any:
    """The stored form of ``value``, or ValueError saying what was expected."""
    kind = spec["type"]
    if kind == AttributeType.STRING:
        if not isinstance(value, str) or len(value) > MAX_STRING:
            raise ValueError(f"expected text of at most {MAX_STRING} characters")
        return value
    if kind == AttributeType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**63:
            raise ValueError("expected a whole number")
        return value
    if kind == AttributeType.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("expected a decimal number")
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation as exc:
            raise ValueError("expected a decimal number") from exc
        if not number.is_finite():
            raise ValueError("expected a finite decimal number")
        return str(number)  # a string keeps the precision JSON floats would lose
    if kind == AttributeType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind == AttributeType.DATE:
        if not isinstance(value, str):
            raise ValueError("expected a date, YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ValueError("expected a date, YYYY-MM-DD") from exc
    if kind == AttributeType.ENUM:
        if value not in spec.get("choices", []):
            raise ValueError(f"one of {', '.join(map(str, spec.get('choices', [])))}")
        return value
    if kind == AttributeType.IP:
        try:
            return str(ipaddress.ip_address(value if isinstance(value, str) else ""))
        except ValueError as exc:
            raise ValueError("expected an IPv4 or IPv6 address") from exc
    if kind == AttributeType.REFERENCE:
        if not isinstance(value, str) or not value:
            raise ValueError("expected a CI number")
        return value
    raise ValueError(f"unknown type {kind!r}")


def validate(
    schema: Mapping[str, Mapping[str, Any]],
    values: Any,
    *,
    reference_ok: Callable[[str, str | None], str | None] | None = None,
    field: str = "attributes",
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(clean values, errors by ``attributes.<name>``): unknown names, wrong types, missing
    required values and unresolvable references are all reported at once.

    ``reference_ok(number, reference_class)`` returns None when the CI exists, is visible and
    fits the class, else the reason."""
    if not isinstance(values, Mapping):
        return {}, {field: ["expected an object of attribute values"]}
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        spec = schema.get(name)
        if spec is None:
            errors[f"{field}.{name}"] = ["not an attribute of this class"]
            continue
        if value is None:
            continue  # absent
        try:
            clean[name] = _one(spec, value)
        except ValueError as exc:
            errors[f"{field}.{name}"] = [str(exc)]
            continue
        if spec["type"] == AttributeType.REFERENCE and reference_ok is not None:
            problem = reference_ok(clean[name], spec.get("reference_class"))
            if problem:
                errors[f"{field}.{name}"] = [problem]
    for name, spec in schema.items():
        if spec.get("required") and clean.get(name) is None and f"{field}.{name}" not in errors:
            errors[f"{field}.{name}"] = ["required for this class"]
    return clean, errors


def coerce_query(spec: Mapping[str, Any] | None, raw: str) -> Any:
    """A query-string value as the stored JSON value of its attribute (text when unknown)."""
    if spec is None:
        return raw
    kind = spec["type"]
    if kind == AttributeType.INTEGER:
        return int(raw)
    if kind == AttributeType.BOOLEAN:
        if raw.lower() not in ("true", "false"):
            raise ValueError("expected true or false")
        return raw.lower() == "true"
    if kind == AttributeType.ENUM and raw not in [str(c) for c in spec.get("choices", [])]:
        raise ValueError(f"one of {', '.join(map(str, spec.get('choices', [])))}")
    return _one(spec, raw) if kind in (AttributeType.DECIMAL, AttributeType.DATE) else raw
