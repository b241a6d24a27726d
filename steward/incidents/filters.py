"""One filter schema per incident list, read alike by the API's list endpoint and the web
queue, so both accept the same values and refuse the same ones with the same message.

An empty value means "any" (the page's "Any status" option sends ``status=``). An unknown
value is refused naming its field: a 422 in the API, a message beside the field on the page.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import QueryDict
from ninja import Schema
from pydantic import ValidationError, field_validator
from pydantic_core import PydanticCustomError

from steward.api.http import Moment
from steward.core.filters import SearchText, one_of, refusal, unknown_value
from steward.incidents.choices import BREACHING_WITHIN_MAX, Queue, QueueOrder, Status


def _given(value: Any) -> list[Any]:
    """The non-empty values of a repeatable parameter."""
    values = value if isinstance(value, list | tuple) else [value]
    return [v for v in values if v not in (None, "")]


class IncidentFilters(Schema):
    """Filters of the incident list (``selectors.incident_list``)."""

    LISTS: ClassVar[set[str]] = {"status", "priority"}

    queue: str = ""  # empty: the default queue ("all" in the API, by role on the page)
    status: list[str] = []
    team: str = ""
    assignee: str = ""
    priority: list[int] = []
    category: str = ""
    caller: str = ""
    ci: str = ""  # a CI number: incidents about that CI
    service: str = ""  # a business service's CI number
    major: bool | None = None
    created_after: Moment | None = None
    created_before: Moment | None = None
    q: SearchText = ""
    breached: bool | None = None
    breaching_within: int | None = None
    order: str = QueueOrder.PRIORITY.value
    cursor: str | None = None
    limit: int | None = None

    @field_validator(
        "major",
        "breached",
        "breaching_within",
        "created_after",
        "created_before",
        "cursor",
        "limit",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("queue")
    @classmethod
    def _queue(cls, value: str) -> str:
        if value and value not in Queue.values:
            raise one_of(Queue.values)
        return value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list[str]:
        given = _given(value)
        unknown = [s for s in given if s not in Status.values]
        if unknown:
            raise unknown_value(unknown[0], what="status")
        return given

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: Any) -> list[int]:
        levels = []
        for item in _given(value):
            text = str(item)
            # ASCII digits only: int() would take "²" or "١" and fail or mean something else
            if not (text.isascii() and text.isdigit() and len(text) < 3 and 1 <= int(text) <= 5):
                raise PydanticCustomError("priority_range", "between 1 (critical) and 5 (planning)")
            levels.append(int(text))
        return levels

    @field_validator("breaching_within")
    @classmethod
    def _breaching_within(cls, value: int | None) -> int | None:
        if value is not None and not 0 < value <= BREACHING_WITHIN_MAX:
            raise PydanticCustomError(
                "minutes_range", "minutes, between 1 and {max}", {"max": BREACHING_WITHIN_MAX}
            )
        return value

    @field_validator("ci", "service")
    @classmethod
    def _ci_number(cls, value: str) -> str:
        return value.strip().upper()

    @field_validator("q")
    @classmethod
    def _words(cls, value: str) -> str:
        return value.strip()

    @field_validator("order", mode="before")
    @classmethod
    def _order(cls, value: Any) -> str:
        if value in (None, ""):
            return QueueOrder.PRIORITY.value
        if value not in QueueOrder.values:
            raise one_of(QueueOrder.values)
        return value

    def selector_args(self, *, default_queue: str = Queue.ALL.value) -> dict[str, Any]:
        """The keyword arguments of ``selectors.incident_list``."""
        return {**self.dict(), "queue": self.queue or default_queue}

    @classmethod
    def from_query(cls, query: QueryDict) -> tuple[IncidentFilters, dict[str, str]]:
        """Filters from a page's query string, and a message per refused field; a refused
        field is left out (as if empty), so the rest of the filters still apply."""
        data: dict[str, Any] = {
            name: query.getlist(name) if name in cls.LISTS else query.get(name)
            for name in cls.model_fields
            if name in query
        }
        errors: dict[str, str] = {}
        while True:
            try:
                return cls.model_validate(data), errors
            except ValidationError as exc:
                refused = {str(e["loc"][0]): refusal(e) for e in exc.errors() if e["loc"]}
                if not set(refused) & set(data):  # nothing left to drop: no filters at all
                    return cls(), {**refused, **errors}
                for name, message in refused.items():
                    errors.setdefault(name, message)
                    data.pop(name, None)
