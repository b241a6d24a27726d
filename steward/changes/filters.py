"""The filters of the change lists, one schema per list, read by the API (``Query[...]``) and
by the web pages (``core.filters.parse_query``) alike, so both accept and refuse the same values.

An empty value means "any" (a form's "Any status" option sends ``status=``); a value that
is not one of the field's choices is refused naming the field: a 422 in the API, a message
beside the field on the page.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import field_validator

from steward.api.http import Moment
from steward.changes.choices import QUEUES, ChangeType, RiskLevel, Status
from steward.core.filters import SearchText, unknown_value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _without_blanks(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [v for v in value if not (isinstance(v, str) and not v.strip())]
    return value


def _known(values: list[str], allowed: list[str]) -> list[str]:
    for value in values:
        if value not in allowed:
            raise unknown_value(value)
    return values


class PageFilters(Schema):
    """Keyset paging shared by every list: an empty cursor or limit is the first page of the
    default size."""

    cursor: str | None = None
    limit: int | None = None

    @field_validator("cursor", "limit", mode="before")
    @classmethod
    def _blank_page(cls, value: Any) -> Any:
        return _blank_to_none(value)


class ChangeFilters(PageFilters):
    """Filters of the change list (``GET /api/v1/changes`` and the web list)."""

    status: list[str] = []
    type: list[str] = []
    risk: list[str] = []
    team: str = ""
    ci: str = ""
    requester: str = ""
    planned_after: Moment | None = None
    planned_before: Moment | None = None
    q: SearchText = ""

    @field_validator("status", "type", "risk", mode="before")
    @classmethod
    def _blank_choices(cls, value: Any) -> Any:
        return _without_blanks(value)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: list[str]) -> list[str]:
        return _known(value, Status.values)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: list[str]) -> list[str]:
        return _known(value, ChangeType.values)

    @field_validator("risk")
    @classmethod
    def _known_risk(cls, value: list[str]) -> list[str]:
        return _known(value, RiskLevel.values)

    @field_validator("planned_after", "planned_before", mode="before")
    @classmethod
    def _blank_dates(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @field_validator("team", "ci", "requester", "q")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class ChangeQueueFilters(ChangeFilters):
    """The web list's filters: the API's, plus the queue tab (empty: the actor's default)."""

    queue: str = ""

    @field_validator("queue")
    @classmethod
    def _known_queue(cls, value: str) -> str:
        return _known([value], list(QUEUES))[0] if value.strip() else ""


class AgendaFilters(Schema):
    """The CAB agenda's filters (the web page; the API lists approvals per change)."""

    mine: bool | None = None  # true: only the changes awaiting the actor's vote

    @field_validator("mine", mode="before")
    @classmethod
    def _blank_mine(cls, value: Any) -> Any:
        return _blank_to_none(value)


class TemplateFilters(PageFilters):
    """Filters of the standard-change template list."""

    q: SearchText = ""
    is_active: bool | None = None

    @field_validator("is_active", mode="before")
    @classmethod
    def _blank_flag(cls, value: Any) -> Any:
        return _blank_to_none(value)


class FreezeFilters(PageFilters):
    """Filters of the freeze-window list (the API and the web list)."""

    q: SearchText = ""
    ci: str = ""
    active_at: Moment | None = None

    @field_validator("active_at", mode="before")
    @classmethod
    def _blank_moment(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @field_validator("q", "ci")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()
