"""Small HTTP helpers shared by every router: versions, ETags, pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import ConfigDict, create_model

from steward.core.errors import ValidationFailed
from steward.core.idempotency import create_once


class In(Schema):
    """Base of every input schema: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


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
    """Set the ETag from the record's version and return the record."""
    response["ETag"] = f'"{obj.version}"'
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
