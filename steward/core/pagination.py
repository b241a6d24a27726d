"""Keyset (cursor) pagination: stable and index-friendly at any depth."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet

from steward.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass
class Page:
    items: list[Any]
    next: str | None
    order: str | None = None  # a search's order, when it can differ: "relevance" or "newest"


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed.one("cursor", "not a cursor returned by this list") from exc
    if not isinstance(values, list) or len(values) != width or not all(map(_fits, values)):
        raise ValidationFailed.one("cursor", "not a cursor returned by this list")
    return values


def _fits(value: Any) -> bool:
    """Whether a forged cursor's value can reach a query: a number no key holds (``1e400``
    is infinity, which ``int()`` refuses with an ``OverflowError``; ``10**30`` passes no
    database's integer) was a 500, not the client's 422."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, str):  # nor may text the databases refuse (NUL, a lone surrogate)
        return _storable(value)
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    return False  # a list or an object is no key's value


def _storable(text: str) -> bool:
    """Text both databases take: no NUL, no lone surrogate (JSON's ``\\ud800``)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def cursor_values(cursor: str, width: int) -> list[Any]:
    """The values a cursor of ``width`` keys carries, for reads that page their own way."""
    return _decode(cursor, width)


def cursor_after_key(key: tuple[Any, ...]) -> str:
    """The cursor ``paginate_ranked`` gives for the page after ``key``."""
    return _encode(list(key))


def paginate(
    qs: QuerySet, *, order: tuple[str, ...], cursor: str | None, limit: int | None
) -> Page:
    """One page of ``qs`` ordered by ``order`` (the last field must be unique, e.g. ``id``)."""
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.one("limit", f"must be between 1 and {MAX_LIMIT}")
    fields = [f.lstrip("-") for f in order]
    rows = list(after_cursor(qs, order=order, cursor=cursor).order_by(*order)[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if has_more:
        last = rows[-1]
        nxt = _encode([_attr(last, name) for name in fields])
    return Page(items=rows, next=nxt)


def after_cursor(qs: QuerySet, *, order: tuple[str, ...], cursor: str | None) -> QuerySet:
    """``qs`` narrowed to the rows after ``cursor`` in ``order`` (all of it without one)."""
    if not cursor:
        return qs
    fields = [f.lstrip("-") for f in order]
    values = _decode(cursor, len(fields))
    condition = Q()
    for i, name in enumerate(fields):
        op = "lt" if order[i].startswith("-") else "gt"
        step = Q(**{f"{name}__{op}": values[i]})
        for prev in range(i):
            step &= Q(**{fields[prev]: values[prev]})
        condition |= step
    try:
        return qs.filter(condition)
    except (ValueError, TypeError, DjangoValidationError) as exc:
        # a forged cursor whose values do not fit the fields: the client's mistake
        raise ValidationFailed.one("cursor", "not a cursor returned by this list") from exc


def cursor_after(row: Any, order: tuple[str, ...]) -> str:
    """The cursor ``paginate`` gives for the page after ``row`` (a model or a ``.values()``
    row), for reads that fetch a first page their own way (compiled SQL)."""
    return _encode([_attr(row, name.lstrip("-")) for name in order])


def _attr(obj: Any, path: str) -> Any:
    if isinstance(obj, dict):  # a ``.values()`` row: the lookup is its key
        value = obj[path]
    else:
        for part in path.split("__"):
            obj = getattr(obj, part)
        value = obj
    return value.isoformat() if hasattr(value, "isoformat") else value


def paginate_ranked(
    keys: list[tuple[Any, ...]], *, cursor: str | None, limit: int | None
) -> tuple[list[tuple[Any, ...]], str | None]:
    """One page of already sorted keys (e.g. ``(rank, id)`` of search hits) with the same
    opaque cursors as ``paginate``."""
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.one("limit", f"must be between 1 and {MAX_LIMIT}")
    if cursor:
        after = tuple(_decode(cursor, len(keys[0]) if keys else 2))
        try:
            keys = [k for k in keys if k > after]
        except TypeError as exc:
            raise ValidationFailed.one("cursor", "not a cursor returned by this list") from exc
    page = keys[:limit]
    nxt = _encode(list(page[-1])) if len(keys) > limit else None
    return page, nxt
