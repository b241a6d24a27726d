"""Reading a web list's query string with the list's API filter schema.

Every list has one filter schema in its app's ``filters.py``; the API reads it with
``Query[...]`` and the web page with ``parse_query``, so both accept and refuse the same
values. A refused field falls back to "any" so the rest of the page still renders, and its
message is shown beside the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, TypeVar, get_origin

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
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


# pydantic's refusals as the house says them, in the reader's language: a filter bar printed
# "Input should be a valid integer, unable to parse string as an integer" after a German
# label. One phrase per error type a query string can meet (lower-case, printed after the
# field's label like a service's field message); ``%(…)s`` takes the error's ``ctx``. Our own
# refusals (a filter schema's validators) are listed the same way by their type: the API
# prints their English as raised, a page the phrase (decision 0130). A type not listed keeps
# its message; tests/core/test_filter_refusals.py fails for a filters module raising one.
REFUSALS = {
    "int_parsing": _("a whole number"),
    "int_type": _("a whole number"),
    "int_from_float": _("a whole number"),
    "float_parsing": _("a number"),
    "float_type": _("a number"),
    "bool_parsing": _("true or false"),
    "bool_type": _("true or false"),
    "datetime_parsing": _("a date and time, e.g. 2026-05-01T20:00:00Z"),
    "datetime_from_date_parsing": _("a date and time, e.g. 2026-05-01T20:00:00Z"),
    "datetime_type": _("a date and time, e.g. 2026-05-01T20:00:00Z"),
    "date_parsing": _("a date, e.g. 2026-05-01"),
    "date_from_datetime_parsing": _("a date, e.g. 2026-05-01"),
    "date_type": _("a date, e.g. 2026-05-01"),
    "string_too_long": _("at most %(max_length)s characters"),
    "greater_than_equal": _("at least %(ge)s"),
    "greater_than": _("more than %(gt)s"),
    "less_than_equal": _("at most %(le)s"),
    "less_than": _("less than %(lt)s"),
    # our own: the page names the field by its label, so the phrase does not ("unknown
    # status 'x'" in the API is "Status: unknown value 'x'" on the page)
    "unknown_value": _("unknown value %(value)s"),
    "unknown_choice": _("unknown value %(value)s: one of %(allowed)s"),
    "one_of": _("one of %(allowed)s"),
    "an_id": _("an id"),
    "priority_range": _("between 1 (critical) and 5 (planning)"),
    "minutes_range": _("minutes, between 1 and %(max)s"),
    "rating_range": _("each rating a whole number from 1 to 5"),
    "nul_character": _("may not contain a NUL character"),
    "iso_datetime": _("a date and time, e.g. 2026-05-01T20:00:00Z"),  # api.http.Moment
}


def refusal(error: Mapping[str, Any]) -> str:
    """One pydantic error as the page prints it after the field's label (``REFUSALS``)."""
    phrase = REFUSALS.get(error.get("type", ""))
    if phrase is None:
        return str(error["msg"])
    return str(phrase) % dict(error.get("ctx") or {})


def unknown_value(
    value: object, *, what: str = "value", allowed: Iterable[str] = ()
) -> PydanticCustomError:
    """A filter's refusal of ``value``, none of its field's choices: "unknown status 'x'"
    in the API (with ": one of a, b" when ``allowed`` is given), "unknown value 'x'" after
    the field's label on a page, in the reader's language. The value comes last in the
    context: pydantic fills the template in that order, so a ``{…}`` typed into the value
    stays as typed."""
    shown = {"what": what, "value": repr(value)}
    names = ", ".join(allowed)
    if not names:
        return PydanticCustomError("unknown_value", "unknown {what} {value}", shown)
    return PydanticCustomError(
        "unknown_choice",
        "unknown {what} {value}: one of {allowed}",
        {"what": what, "allowed": names, "value": shown["value"]},
    )


def one_of(allowed: Iterable[str]) -> PydanticCustomError:
    """A filter's refusal naming only what it takes: "one of a, b", on a page too."""
    return PydanticCustomError("one_of", "one of {allowed}", {"allowed": ", ".join(allowed)})


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
            errors.setdefault(name, []).append(refusal(error))
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
            raise unknown_value(value, what="role")
        return value
