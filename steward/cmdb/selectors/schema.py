"""Attribute schemas as the class hierarchy defines them, and how a value of each attribute
type is read: inheritance along a class chain, a value's stored form, and a query-string
value as the stored value it is compared with.

Pure functions, kept below the services so the list filters (here, in the selectors) and the
write validators (``services/validation.py``) read values the same way.
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from steward.cmdb.choices import AttributeType

MAX_STRING = 1000


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


def parse_value(spec: Mapping[str, Any], value: Any) -> Any:
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
        return enum_choice(spec, value)
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


def _same(choice: Any, value: Any) -> bool:
    """Whether ``value`` is ``choice`` as JSON sees it: of its type (``true`` is not the
    choice ``1``, nor ``"1"`` the choice ``1``), a number equal as a number (``1.0`` is ``1``)."""
    if isinstance(choice, bool) or isinstance(value, bool):
        return type(choice) is type(value) and choice == value
    if isinstance(choice, int | float) and isinstance(value, int | float):
        return choice == value
    return type(choice) is type(value) and choice == value


def enum_choice(spec: Mapping[str, Any], value: Any, *, text: bool = False) -> Any:
    """The one rule for an enum attribute's value, on every path (create, update, bulk
    loads, imports, the list's ``attr.<name>`` filter): the choice ``value`` names, as the
    schema stores it, else ValueError listing the choices. Python's ``in`` was looser
    (``True in [1]``, ``1.0 in [1]``). With ``text`` (a CSV cell, a query string, a form) a
    string names the choice whose text it is (``"1"`` the choice ``1``), as the form's
    select offers them."""
    choices = spec.get("choices") or []
    for choice in choices:
        if _same(choice, value):
            return choice
    if text and isinstance(value, str):
        for choice in choices:
            if not isinstance(choice, str) and str(choice) == value:
                return choice
    raise ValueError(f"one of {', '.join(map(str, choices))}")


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
    if kind == AttributeType.ENUM:  # the choice itself: a number compares as the number
        return enum_choice(spec, raw, text=True)
    return parse_value(spec, raw) if kind in (AttributeType.DECIMAL, AttributeType.DATE) else raw
