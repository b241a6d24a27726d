"""Reading a web list's query string with the list's API filter schema.

Every list has one filter schema in its app's ``filters.py``; the API reads it with
``Query[...]`` and the web page with ``parse_query``, so both accept and refuse the same
values. A refused field falls back to "any" so the rest of the page still renders, and its
message is shown beside the field.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar, get_origin

from django.http import QueryDict
from ninja import Schema
from pydantic import AfterValidator, BaseModel, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from steward.core.choices import Role

F = TypeVar("F", bound=BaseModel)

NUL_MESSAGE = "may not contain a NUL character"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", NUL_MESSAGE)
    return value


SearchText = Annotated[str, AfterValidator(_no_nul)]
"""The words of a list's ``q``: any text a person can type, quotes and operators included
(each search reads words, never query syntax), but no NUL, which PostgreSQL cannot compare
text with: a 422 naming ``q`` instead of a 500 (tests/contract/test_search_syntax.py)."""


def parse_query(
    schema: type[F], query: QueryDict, *, defaults: dict[str, Any] | None = None
) -> tuple[F, dict[str, list[str]]]:
    """The filters ``query`` asks for (a repeated parameter is a list where the schema's
    field is one, otherwise its last value), and the messages for refused fields."""
    data: dict[str, Any] = dict(defaults or {})
    for name, field in schema.model_fields.items():
        if name in query:
            many = get_origin(field.annotation) is list
            data[name] = query.getlist(name) if many else query.get(name)
    errors: dict[str, list[str]] = {}
    try:
        return schema.model_validate(data), errors
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "q"
            errors.setdefault(name, []).append(error["msg"])
    kept = {name: value for name, value in data.items() if name not in errors}
    return schema.model_validate(kept), errors


class UserFilters(Schema):
    """The user list's filters, for ``GET /api/v1/users`` and the administrator's page."""

    q: SearchText = ""
    team: str = ""
    role: str = Field("", description="users holding this role: " + ", ".join(Role.values))
    is_active: bool | None = None
    cursor: str | None = None
    limit: int | None = None

    @field_validator("is_active", mode="before")
    @classmethod
    def _blank_is_no_filter(cls, value: object) -> object:
        """``?is_active=`` (a form's empty choice) filters nothing, as on every other list."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value and value not in Role.values:
            raise PydanticCustomError(
                "unknown_role", "unknown role {value}", {"value": repr(value)}
            )
        return value
