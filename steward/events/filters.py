"""The alert list's filters, one schema read by the API (``Query[AlertFilters]``) and by the
Events console alike. An empty value means "any"; an unknown value is a 422 naming its field
in the API and a message beside the field on the page."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from ninja import Schema
from pydantic import Field, field_validator

from steward.api.http import Moment
from steward.core import filters as core_filters
from steward.core.filters import SearchText, unknown_value
from steward.events.choices import ALERT_SEVERITIES, StateFilter


def _one_of(field: str, values: tuple[str, ...] | list[str], empty: str = ""):
    def check(cls, value: Any) -> Any:
        if value in ("", None):
            return empty
        if value not in values:
            raise unknown_value(value, what=field, allowed=values)
        return value

    return field_validator(field, mode="before")(classmethod(check))


class AlertFilters(Schema):
    """Which alerts a list shows, the latest activity first."""

    state: str = Field(StateFilter.LIVE, description=f"one of {', '.join(StateFilter.values)}")
    severity: str = Field("", description=f"one of {', '.join(ALERT_SEVERITIES)}")
    source: SearchText = Field("", description="the source, exactly (any case): nagios, …")
    ci: SearchText = Field("", description="CI number of the matched configuration item")
    q: SearchText = Field("", description="words of the node, resource or summary")
    cursor: str | None = None
    limit: int | None = None

    _state = _one_of("state", StateFilter.values, empty=StateFilter.LIVE)
    _severity = _one_of("severity", ALERT_SEVERITIES)

    @field_validator("cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


def parse_query(query: QueryDict) -> tuple[AlertFilters, dict[str, list[str]]]:
    return core_filters.parse_query(AlertFilters, query)


class WindowFilters(Schema):
    """Which maintenance windows a list shows, the latest start first."""

    q: SearchText = Field("", description="words of the name, reason or node pattern")
    active_at: Moment | None = Field(None, description="only the windows in force then")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("active_at", "cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


def parse_window_query(query: QueryDict) -> tuple[WindowFilters, dict[str, list[str]]]:
    return core_filters.parse_query(WindowFilters, query)
