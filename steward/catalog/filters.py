"""The catalogue's list filters, one schema per list, read by the API (``Query[...]``) and by
the web pages (``core.filters.parse_query``) alike. Empty means "any"; an unknown value is
refused naming its field."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field, field_validator

from steward.catalog.choices import RequestStatus, ServiceKind, Stage, TaskStatus
from steward.core.filters import SearchText, unknown_value

TASK_QUEUES = ("all", "open", "my_teams", "mine")
TASK_SLA = ("breached", "due_soon")


def _present(values: Any) -> list:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        values = [values]
    return [v for v in values if v not in ("", None)]


def _one_of(field: str, value: Any, allowed: list[str]) -> Any:
    if value in ("", None):
        return ""
    if value not in allowed:
        raise unknown_value(value, what=field, allowed=allowed)
    return value


def _statuses(value: Any, allowed: list[str]) -> list[str]:
    statuses = _present(value)
    bad = [s for s in statuses if s not in allowed]
    if bad:
        raise unknown_value(bad[0], what="status")
    return statuses


class _Page(Schema):
    cursor: str | None = None
    limit: int | None = None

    @field_validator("cursor", "limit", mode="before", check_fields=False)
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class ServiceFilters(_Page):
    """Which services a list shows."""

    stage: str = Field("", description=f"one of {', '.join(Stage.values)}")
    kind: str = Field("", description=f"one of {', '.join(ServiceKind.values)}")
    q: SearchText = Field("", description="words of the name")

    @field_validator("stage", mode="before")
    @classmethod
    def _stage(cls, value: Any) -> Any:
        return _one_of("stage", value, Stage.values)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return _one_of("kind", value, ServiceKind.values)


class ItemFilters(_Page):
    """Which catalogue items a list shows."""

    category: str = Field("", max_length=60, description="a category name")
    service: str = Field("", max_length=60, description="a service slug")
    orderable: bool | None = Field(None, description="only the items you may order")
    q: SearchText = Field("", description="words of the name or description")

    @field_validator("orderable", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


class RequestFilters(_Page):
    """Which requests a list shows."""

    mine: bool | None = Field(None, description="only the requests you ordered")
    awaiting_me: bool | None = Field(None, description="only those waiting for your vote")
    status: list[str] = Field([], description="any of these statuses")
    item: str = Field("", max_length=60, description="a catalogue item slug")
    q: SearchText = Field("", description="a request number, or words of the title")

    @field_validator("mine", "awaiting_me", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list:
        return _statuses(value, RequestStatus.values)


class TaskFilters(_Page):
    """Which fulfilment tasks a list shows."""

    queue: str = Field("", description=f"one of {', '.join(TASK_QUEUES)}")
    status: list[str] = Field([], description="any of these statuses")
    team: str = Field("", max_length=60, description="team slug")
    assignee: str = Field("", max_length=150, description="username, or 'me'")
    q: SearchText = Field("", description="a task number, or words of the title")
    sla: str = Field(
        "",
        description="breached: a clock of the task or its request is past due; due_soon: "
        "one is past its policy's warning point and not yet due",
    )

    @field_validator("queue", mode="before")
    @classmethod
    def _queue(cls, value: Any) -> Any:
        return _one_of("queue", value, list(TASK_QUEUES))

    @field_validator("sla", mode="before")
    @classmethod
    def _sla(cls, value: Any) -> Any:
        return _one_of("sla", value, list(TASK_SLA))

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list:
        return _statuses(value, TaskStatus.values)
