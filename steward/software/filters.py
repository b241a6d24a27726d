"""The software lists' filters, one schema per list read by the API (``Query[...]``) and by
the web pages alike (``parse_query``). An empty value means "any"; an unknown value is a
422 naming its field in the API and a message beside the field on a page."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from ninja import Schema
from pydantic import Field, field_validator

from steward.core import filters as core_filters
from steward.core.filters import SearchText, unknown_value
from steward.software.choices import Metric, Source, Term


def _none_if_empty(value: Any) -> Any:
    return None if value == "" else value


def _one_of(field: str, values: list[str]):
    def check(cls, value: Any) -> Any:
        if value in ("", None):
            return ""
        if value not in values:
            raise unknown_value(value, what=field, allowed=values)
        return value

    return field_validator(field, mode="before")(classmethod(check))


class ProductFilters(Schema):
    """Which products a list shows, by publisher and name."""

    q: SearchText = Field("", description="words of the name, publisher or slug")
    publisher: SearchText = Field("", description="the publisher, exactly (any case)")
    cursor: str | None = None
    limit: int | None = None

    _empty_is_none = field_validator("cursor", "limit", mode="before")(_none_if_empty)


class LicenceFilters(Schema):
    """Which licences a list shows, newest first."""

    product: str = Field("", description="product slug")
    metric: str = Field("", description=f"one of {', '.join(Metric.values)}")
    term: str = Field("", description=f"one of {', '.join(Term.values)}")
    vendor: SearchText = Field("", description="words of the vendor")
    q: SearchText = Field("", description="a licence number, or part of the purchase order")
    cursor: str | None = None
    limit: int | None = None

    _metric = _one_of("metric", Metric.values)
    _term = _one_of("term", Term.values)
    _empty_is_none = field_validator("cursor", "limit", mode="before")(_none_if_empty)


class InstallationFilters(Schema):
    """Which installations a list shows (a product's drill-down: ``product``)."""

    product: str = Field("", description="product slug")
    device: str = Field("", description="CI number of the device")
    user: str = Field("", description="username")
    source: str = Field("", description=f"one of {', '.join(Source.values)}")
    counting: bool | None = Field(None, description="only counting seats, or only freed ones")
    cursor: str | None = None
    limit: int | None = None

    _source = _one_of("source", Source.values)
    _empty_is_none = field_validator("counting", "cursor", "limit", mode="before")(_none_if_empty)


def parse_query(schema: type[Schema], query: QueryDict) -> tuple[Any, dict[str, list[str]]]:
    return core_filters.parse_query(schema, query)
