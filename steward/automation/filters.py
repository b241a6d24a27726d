"""The rule list's filters, one schema read by the API (``Query[RuleFilters]``) and by the
Automation page alike; an unknown value is a 422 naming its field."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from ninja import Schema
from pydantic import Field, field_validator

from steward.automation.choices import Trigger
from steward.core import filters as core_filters


class RuleFilters(Schema):
    """Which rules a list shows, in the order they run."""

    active: bool | None = Field(None, description="true: active rules only; false: inactive")
    trigger: str = Field("", description=f"one of {', '.join(Trigger.values)}")

    @field_validator("trigger", mode="before")
    @classmethod
    def _trigger(cls, value: Any) -> Any:
        if value in ("", None):
            return ""
        if value not in Trigger.values:
            raise core_filters.unknown_value(value, what="trigger", allowed=Trigger.values)
        return value

    @field_validator("active", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


def parse_query(query: QueryDict) -> tuple[RuleFilters, dict[str, list[str]]]:
    return core_filters.parse_query(RuleFilters, query)
