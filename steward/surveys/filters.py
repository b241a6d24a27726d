"""The survey list's filters: one schema read by the API (``Query[SurveyFilters]``) and by
the agents' page alike. An empty value means "any"."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from steward.core import filters as core_filters


class SurveyFilters(Schema):
    """Which surveys a list shows, the newest invitation first."""

    number: str = Field("", max_length=30, description="the incident or request number")
    team: str = Field("", max_length=60, description="team slug")
    answered: bool | None = Field(None, description="true: answered; false: not yet")
    rating: list[int] = Field(default_factory=list, description="ratings, 1 to 5")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("answered", "cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("rating")
    @classmethod
    def _one_to_five(cls, value: list[int]) -> list[int]:
        if any(not 1 <= v <= 5 for v in value):
            raise PydanticCustomError("rating_range", "each rating a whole number from 1 to 5")
        return value


def parse_query(query: QueryDict) -> tuple[SurveyFilters, dict[str, list[str]]]:
    return core_filters.parse_query(SurveyFilters, query)
