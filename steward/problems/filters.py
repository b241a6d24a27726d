"""The problem list's filters, one schema read by the API (``Query[ProblemFilters]``) and by
the web list page alike, so both accept and refuse the same values.

An empty value means "any" (a form's "Any status" option sends ``status=``); an unknown value
is refused naming its field: a 422 in the API, a message beside the field on the page.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict
from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from steward.core import filters as core_filters
from steward.core.filters import SearchText, unknown_value
from steward.problems.choices import Queue, Status

PRIORITY = re.compile(r"[0-9]{1,9}")  # ASCII digits only: int() would take "١" as 1


def _present(values: Any) -> list:
    """A repeated parameter without its empty entries ("any" chosen in a select)."""
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        values = [values]
    return [v for v in values if v not in ("", None)]


class ProblemFilters(Schema):
    """Which problems a list shows; every field empty or absent means "any"."""

    queue: str = Field(Queue.ALL, description=f"one of {', '.join(Queue.values)}")
    status: list[str] = Field([], description="any of these statuses")
    team: str = Field("", description="team slug")
    assignee: str = Field("", description="username, or 'me'")
    priority: list[int] = Field([], description="any of these priorities, 1 to 5")
    ci: str = Field("", description="CI number of the configuration item")
    service: str = Field("", description="CI number of the affected service")
    known_error: bool | None = Field(None, description="only known errors, or none of them")
    q: SearchText = Field("", description="a problem number, or words of the title")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("queue", mode="before")
    @classmethod
    def _queue(cls, value: Any) -> Any:
        if value in ("", None):
            return Queue.ALL
        if value not in Queue.values:
            raise unknown_value(value, what="queue", allowed=Queue.values)
        return value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list:
        statuses = _present(value)
        bad = [s for s in statuses if s not in Status.values]
        if bad:
            raise unknown_value(bad[0], what="status")
        return statuses

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: Any) -> list[int]:
        priorities = []
        for item in _present(value):
            text = str(item)
            if isinstance(item, bool) or not PRIORITY.fullmatch(text) or not 1 <= int(text) <= 5:
                raise PydanticCustomError("priority_range", "between 1 (critical) and 5 (planning)")
            priorities.append(int(text))
        return priorities

    @field_validator("known_error", "cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("team", "assignee", "ci", "service", "q", mode="before")
    @classmethod
    def _empty_is_any(cls, value: Any) -> Any:
        return "" if value is None else value


# what the web page shows when the query string does not say (the API's default is "all")
PAGE_DEFAULTS = {"queue": Queue.OPEN}


def parse_query(
    query: QueryDict, *, defaults: dict[str, Any] | None = None
) -> tuple[ProblemFilters, dict[str, list[str]]]:
    """The problem list's filters from a page's query string (``core.filters.parse_query``)."""
    return core_filters.parse_query(ProblemFilters, query, defaults=defaults)
