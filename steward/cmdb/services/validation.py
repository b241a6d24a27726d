"""Validating a CI's attribute values against its class's schema, and a class's own attribute
definitions as data: the one set of rules every write path calls (single writes, bulk loads,
imports, demo data).

Pure functions over already-loaded classes: the callers load the class chain and resolve
references in bulk, so validation itself never queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from steward.cmdb.choices import AttributeType
from steward.cmdb.selectors.schema import parse_value

NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
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
            clean[name] = parse_value(spec, value)
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
