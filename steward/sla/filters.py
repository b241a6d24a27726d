"""The filters of the SLA configuration lists (calendars, policies), as the API reads them.

An empty value means "any", as on every list: ``is_active=`` lists active and inactive
policies alike instead of being refused; an unknown value is a 422 naming the field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ninja import Schema
from pydantic import Field, field_validator

from steward.core.filters import SearchText

F = TypeVar("F", bound=Schema)


def _none_if_empty(value: Any) -> Any:
    return None if value == "" else value


class CalendarFilters(Schema):
    """Which calendars a list shows."""

    q: SearchText = Field("", description="words of the name or slug")
    cursor: str | None = None
    limit: int | None = None

    _empty_is_none = field_validator("cursor", "limit", mode="before")(_none_if_empty)


class PolicyFilters(Schema):
    """Which policies a list shows, in the order they are tried."""

    q: SearchText = Field("", description="words of the name or slug")
    calendar: str = Field("", description="calendar slug")
    is_active: bool | None = Field(None, description="only active, or only inactive policies")
    cursor: str | None = None
    limit: int | None = None

    _empty_is_none = field_validator("is_active", "cursor", "limit", mode="before")(_none_if_empty)
