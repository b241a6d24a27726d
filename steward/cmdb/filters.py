"""One filter schema per CMDB list, used by the API (as ``Query[...]``) and by the web pages
(through ``parse``) alike, so a list reads its query string one way wherever it is shown.

An empty value means "any". An unknown value is refused naming its field: the API answers
422, a page shows the message beside the field. Values that need the database to check (a
class slug, an attribute typed by its class) are checked by the selector, which names the
field the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db.models import TextChoices
from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field, ValidationError, field_validator

from steward.cmdb.choices import (
    DEFAULT_DEPTH,
    IMPACT_PAGE,
    MAX_DEPTH,
    MAX_IMPACT_ROWS,
    CIStatus,
    Environment,
)
from steward.core.errors import ValidationFailed
from steward.core.filters import SearchText, one_of, refusal

ATTR_PARAM = re.compile(r"^attr\.(?P<name>[a-z][a-z0-9_]{0,59})$")
S = TypeVar("S", bound=Schema)


def _one_of(value: str, choices: type[TextChoices]) -> str:
    """``value`` trimmed; empty is "any"; anything else must be one of ``choices``."""
    value = value.strip()
    if value and value not in choices.values:
        # a custom error keeps the message as a person reads it (no "Value error, " prefix)
        raise one_of(choices.values)
    return value


class PageParams(Schema):
    """Keyset paging of every list: an opaque cursor and a page size."""

    cursor: str | None = None
    limit: int | None = None


class ClassFilters(PageParams):
    """The CI class list."""

    q: SearchText = Field("", description="part of the name or slug")


class RelationshipTypeFilters(PageParams):
    """The relationship type list (paging only)."""


class CIMatch(Schema):
    """Which CIs a list or an export shows."""

    q: SearchText = Field("", description="part of the name, or a CI number")
    ci_class: str = Field("", alias="class", description="a class slug; includes subclasses")
    status: str = Field("", description=f"one of {', '.join(CIStatus.values)}")
    environment: str = Field("", description=f"one of {', '.join(Environment.values)}")
    owner_team: str = Field("", description="a team slug")

    @field_validator("q", "ci_class", "owner_team")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return _one_of(value, CIStatus)

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: str) -> str:
        return _one_of(value, Environment)


class CIFilters(CIMatch, PageParams):
    """The CI list: which CIs, and which page of them."""


class RelationshipFilters(PageParams):
    """The relationship list."""

    ci: str = Field("", description="a CI number: relationships at either end")
    type: str = ""


class ImpactParams(Schema):
    """The impact walk: which way, and how far."""

    direction: str = Field("up", description="up: who depends on it; down: what it needs")
    depth: int = Field(DEFAULT_DEPTH, description=f"1 to {MAX_DEPTH}")
    limit: int = Field(
        IMPACT_PAGE,
        description=f"the nearest this many CIs (1 to {MAX_IMPACT_ROWS}); `truncated` says"
        " whether the walk reaches more",
    )


class MapParams(Schema):
    """The service map: how many rings to draw (a map of more would be unreadable)."""

    depth: int = Field(2, description="1 to 3; a value outside is brought to the nearest")

    @field_validator("depth")
    @classmethod
    def _within(cls, value: int) -> int:
        return min(max(value, 1), 3)


# The OpenAPI extension that tells the API's check of unknown query parameters
# (steward/api/query_names.py) that ``attr.<name>`` is taken by the operation.
ATTRIBUTE_FILTERS = {"x-query-prefixes": ["attr."]}


def attribute_filters(params: Mapping[str, Any]) -> dict[str, str]:
    """``attr.<name>=<value>`` pairs of a query string (a QueryDict or a mapping)."""
    found = {}
    for key in params:
        if key.startswith("attr."):
            match = ATTR_PARAM.match(key)
            if match is None:
                raise ValidationFailed.one(key, gettext("attribute names are lower_snake_case"))
            found[match["name"]] = params[key]
    return found


def parse(schema: type[S], params: Mapping[str, Any]) -> tuple[S, dict[str, str]]:
    """A page's query string read with the API's schema: the filters, and a message for each
    field that was refused (those fields read as "any" so the form can show them again)."""
    values = {key: params.get(key) for key in params}
    try:
        return schema.model_validate(values), {}
    except ValidationError as exc:
        errors = {str(e["loc"][0]): refusal(e) for e in exc.errors() if e.get("loc")}
    kept = {key: value for key, value in values.items() if key not in errors}
    return schema.model_validate(kept), errors
