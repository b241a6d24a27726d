"""Small HTTP helpers shared by every router: versions, ETags, pages."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_noop
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from steward.core.errors import ValidationFailed
from steward.core.idempotency import create_once
from steward.core.text import SINGLE_LINE_MESSAGE, SINGLE_LINE_PATTERN, is_single_line

NOT_NULL_MESSAGE = "may not be null; leave the field out to keep its value"
BOOLEAN_FOR_NUMBER_MESSAGE = gettext_noop("a number, not true or false")


def _one_line(value: str) -> str:
    if not is_single_line(value):
        raise PydanticCustomError("single_line", SINGLE_LINE_MESSAGE)
    return value


class _OneLineInDocument:
    """The OpenAPI document states the rule: a pattern without control characters."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {**handler(schema), "pattern": SINGLE_LINE_PATTERN}


SingleLine = Annotated[str, AfterValidator(_one_line), _OneLineInDocument]
"""Text shown on one line (titles, names): a line break or other control character in it
is a 422 naming the field, so no title can forge a second line in a list, mail or log."""


def _no_empty_value(annotation: Any) -> bool:
    """``bool | None``, ``list[…] | None``, ``dict[…] | None``: the None only says "omitted"."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
    return len(kinds) == 1 and (kinds[0] is bool or typing.get_origin(kinds[0]) in (list, dict))


def _drop_null(schema: dict[str, Any], cls: type) -> None:
    """The OpenAPI document says what the validator enforces: these fields are not nullable."""
    for name in getattr(cls, "_not_null", ()):
        field = schema.get("properties", {}).get(name)
        if field and "anyOf" in field:
            kept = [s for s in field.pop("anyOf") if s.get("type") != "null"]
            field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
            if field.get("default", 0) is None:
                del field["default"]


_NUMBERS = (int, float, decimal.Decimal)


def _kinds(annotation: Any) -> list[Any]:
    """The types an annotation admits, through ``Annotated``, ``Optional`` and unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kinds(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [k for arg in typing.get_args(annotation) for k in _kinds(arg)]
    return [annotation]


def _number_only(kinds: list[Any]) -> bool:
    """A number is admitted and a boolean is not (``int``, ``Decimal | None``, an ``IntEnum``)."""
    if any(k is bool or k is Any for k in kinds):
        return False
    return any(isinstance(k, type) and issubclass(k, _NUMBERS) for k in kinds)


def _boolean_refusal(annotation: Any) -> str | None:
    """``"value"`` for a number field, ``"items"`` for a list (tuple, set) of numbers."""
    kinds = _kinds(annotation)
    if _number_only(kinds):
        return "value"
    for kind in kinds:
        if typing.get_origin(kind) in (list, tuple, set, frozenset) and _number_only(
            [k for arg in typing.get_args(kind) if arg is not Ellipsis for k in _kinds(arg)]
        ):
            return "items"
    return None


class In(Schema):
    """Base of every input schema: unknown fields are an error, not silently dropped.

    A number field refuses JSON ``true`` and ``false`` (a 422 naming the field): Pydantic's
    lax mode read them as 1 and 0 (``"impact": true`` was impact 1, the highest), and a
    number the client meant as a boolean is a bug worth hearing about. Only booleans:
    a number written as text (``"3"``) is still read, as a query string's numbers and a web
    form's fields arrive as text.

    A field that may be left out has ``None`` as its default; sending ``null`` for it is a
    422 naming the field when null has no meaning there (docs/security.md): in a
    ``…PatchIn`` schema a boolean, list or dict field (null is no boolean and no list), and
    any field a schema lists in ``not_null`` (text columns whose empty value is ``""``).
    A reference or a date keeps null, which clears it.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_null)
    not_null: ClassVar[frozenset[str]] = frozenset()
    _not_null: ClassVar[frozenset[str]] = frozenset()
    _numbers: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        automatic = set()
        if cls.__name__.endswith("PatchIn"):
            automatic = {
                name
                for name, field in cls.model_fields.items()
                if field.default is None and _no_empty_value(field.annotation)
            }
        cls._not_null = frozenset(automatic | set(cls.not_null))
        cls._numbers = {
            name: refusal
            for name, field in cls.model_fields.items()
            if (refusal := _boolean_refusal(field.annotation)) is not None
        }

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_boolean_for_number(cls, value: Any, info: ValidationInfo) -> Any:
        refusal = cls._numbers.get(info.field_name or "")
        if refusal is None:
            return value
        if (refusal == "value" and isinstance(value, bool)) or (
            refusal == "items"
            and isinstance(value, list | tuple)
            and any(isinstance(item, bool) for item in value)
        ):
            raise PydanticCustomError("number_type", gettext(BOOLEAN_FOR_NUMBER_MESSAGE))
        return value

    @model_validator(mode="before")
    @classmethod
    def _refuse_null(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls._not_null:
            nulls = sorted(n for n in cls._not_null if n in data and data[n] is None)
            if nulls:
                raise ValidationFailed({n: [NOT_NULL_MESSAGE] for n in nulls})
        return data


def _iso_moment(value: Any) -> Any:
    if isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\s*[-+]?[\d.]+(e[-+]?\d+)?\s*", value, re.I)
    ):
        raise PydanticCustomError(
            "iso_datetime", "an ISO 8601 date and time, e.g. 2026-05-01T09:00Z"
        )
    return value


Moment = Annotated[dt.datetime, BeforeValidator(_iso_moment)]
"""A date and time as the document says (ISO 8601), not a number read as a Unix time."""


def actor(request: HttpRequest) -> Any:
    return request.actor


def expected_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version the client read: ``If-Match`` header or ``version`` in the body."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return body_version
    raw = header.removeprefix("W/").strip('"')
    try:
        version = int(raw)
    except ValueError as exc:
        raise ValidationFailed.one("If-Match", 'expected the record\'s version, e.g. "3"') from exc
    if body_version is not None and body_version != version:
        raise ValidationFailed.one("version", "differs from If-Match")
    return version


def unversioned(request: HttpRequest) -> None:
    """For an update of something that keeps no version (a category, the priority matrix, an
    asset's disposition…): an ``If-Match`` cannot be compared, so it is a 422 naming it,
    not ignored. Ignored, a client that sent it to guard against a lost update overwrote a
    newer edit while believing it could not (docs/api.md)."""
    if request.headers.get("If-Match", "").strip():
        raise ValidationFailed.one(
            "If-Match", "this resource keeps no version: the last write wins; send no If-Match"
        )


def create_with_key(
    request: HttpRequest,
    *,
    scope: str,
    data: dict[str, Any],
    create: Callable[..., Any],
    visible: Callable[[Any], Any],
) -> Any:
    """Call the ``create`` service once per ``Idempotency-Key``: a retry with the same key
    and body returns the first record (looked up through ``visible(actor)``)."""
    obj, _ = create_once(
        request.actor,
        key=request.headers.get("Idempotency-Key"),
        scope=scope,
        payload=data,
        create=lambda: create(request.actor, **data),
        fetch=lambda pk: visible(request.actor).get(pk=pk),
    )
    return obj


def tag(response: HttpResponse, obj: Any) -> Any:
    """Set the ETag from the record's version and return the record (a model, or a row)."""
    version = obj["version"] if isinstance(obj, dict) else obj.version
    response["ETag"] = f'"{version}"'
    return obj


_pages: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """``{"items": [...], "next": cursor|null}`` for ``item``."""
    if item not in _pages:
        name = item.__name__.removesuffix("Out") + "Page"
        _pages[item] = create_model(
            name, __base__=Schema, items=(list[item], ...), next=(str | None, None)
        )
    return _pages[item]
