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

from django.utils.translation import gettext as _

from steward.cmdb.choices import AttributeType
from steward.cmdb.selectors.schema import MAX_STRING, enum_choice, parse_value

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
            errors[f"{field}.{name}"] = [_("not an attribute of this class")]
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
            errors[f"{field}.{name}"] = [_("required for this class")]
    return clean, errors


# a dotted quad with no leading zeros: exactly what ``ipaddress`` accepts and prints back
_IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
)
_TRUE, _FALSE = frozenset({"true", "yes", "y", "1"}), frozenset({"false", "no", "n", "0"})
Checker = Callable[[Mapping[str, Any]], tuple[dict[str, Any], dict[str, list[str]]]]


def _from_text(spec: Mapping[str, Any], value: Any) -> Any:
    """A CSV cell as the JSON value its attribute stores (JSON values pass through). An enum
    cell names its choice by the choice's text, as the form's select does (``enum_choice``
    with ``text``): a cell is always text, so "1" is the numeric choice 1; "true" is still
    no choice 1 (decision 0124)."""
    if not isinstance(value, str):
        return value
    kind = spec["type"]
    if kind == AttributeType.ENUM:
        try:
            return enum_choice(spec, value.strip(), text=True)
        except ValueError:
            return value.strip()  # the parser names the problem
    if kind == AttributeType.INTEGER:
        try:
            return int(value.strip())
        except ValueError:
            return value  # the parser names the problem
    if kind == AttributeType.BOOLEAN and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return value.strip()


def _parser(spec: Mapping[str, Any], text: bool) -> Callable[[Any], Any]:
    """``parse_value(spec, ·)`` with the common valid cases answered without it (the same
    result: anything else goes through ``parse_value``), after ``_from_text`` if ``text``."""
    kind = spec["type"]
    if kind == AttributeType.STRING:

        def fast(value: Any) -> Any:
            if type(value) is str:
                value = value.strip() if text else value
                if len(value) <= MAX_STRING:
                    return value
            return parse_value(spec, value)

        return fast
    if kind == AttributeType.ENUM:
        choices = frozenset(c for c in spec.get("choices", []) if type(c) is str)

        def enum(value: Any) -> Any:
            if type(value) is str:
                value = value.strip() if text else value
                if value in choices:  # a text choice named exactly: enum_choice's answer
                    return value
            # a cell names a numeric choice by its text ("1" the choice 1), as ``_from_text``
            return enum_choice(spec, value, text=text)

        return enum
    if kind == AttributeType.IP:

        def ip(value: Any) -> Any:
            if type(value) is str:
                value = value.strip() if text else value
                if _IPV4.fullmatch(value):
                    return value
            return parse_value(spec, value)

        return ip
    if text:
        return lambda value: parse_value(spec, _from_text(spec, value))
    return lambda value: parse_value(spec, value)


def checker(schema: Mapping[str, Mapping[str, Any]], *, text: bool = False) -> Checker:
    """``validate(schema, ·)`` (without references) compiled once for a class: a parser per
    attribute chosen up front, not the type dispatch of ``parse_value`` per value. With
    ``text``, values are CSV cells first read as their type (``_from_text``). The same clean
    values and errors as ``validate`` (tests/cmdb/test_import_checker.py holds them so)."""
    parsers = {name: _parser(spec, text) for name, spec in schema.items()}
    required = [name for name, spec in schema.items() if spec.get("required")]
    field = "attributes"

    def check(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        clean: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for name, value in values.items():
            parse = parsers.get(name)
            if parse is None:
                errors[f"{field}.{name}"] = [_("not an attribute of this class")]
                continue
            if value is None:
                continue  # absent
            try:
                clean[name] = parse(value)
            except ValueError as exc:
                errors[f"{field}.{name}"] = [str(exc)]
        for name in required:
            if clean.get(name) is None and f"{field}.{name}" not in errors:
                errors[f"{field}.{name}"] = [_("required for this class")]
        return clean, errors

    return check
