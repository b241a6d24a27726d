"""The article list's filters: one schema for the API (``Query[ArticleFilters]``) and the
web list alike. Empty means "any"; an unknown status is refused naming its field."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from ninja import Schema
from pydantic import Field, field_validator

from steward.core import filters as core_filters
from steward.core.filters import SearchText, unknown_value
from steward.knowledge.choices import Status


def _present(values: Any) -> list:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        values = [values]
    return [v for v in values if v not in ("", None)]


class ArticleFilters(Schema):
    """Which articles a list shows; every field empty or absent means "any"."""

    q: SearchText = Field("", description="words (ranked, title first) or an article number")
    status: list[str] = Field([], description="any of these states")
    category: str = Field("", description="category slug (its subcategories included)")
    owner: str = Field("", description="username, or 'me'")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list:
        states = _present(value)
        bad = [s for s in states if s not in Status.values]
        if bad:
            raise unknown_value(bad[0], what="status")
        return states

    @field_validator("cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("q", "category", "owner", mode="before")
    @classmethod
    def _empty_is_any(cls, value: Any) -> Any:
        return "" if value is None else value


def parse_query(query: QueryDict) -> tuple[ArticleFilters, dict[str, list[str]]]:
    return core_filters.parse_query(ArticleFilters, query)
