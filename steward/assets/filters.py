"""The asset and contract list filters: one schema each, read by the API
(``Query[...]``) and by the web pages (``core.filters.parse_query``) alike.

An empty value means "any"; an unknown value is refused naming its field.
"""

from __future__ import annotations

import re
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from steward.assets.choices import ContractKind, Status
from steward.core.filters import SearchText, one_of, unknown_value

ID = re.compile(r"[0-9]{1,18}")


def _present(values: Any) -> list:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        values = [values]
    return [v for v in values if v not in ("", None)]


class AssetFilters(Schema):
    """Which assets a list shows; every field empty or absent means "any"."""

    status: list[str] = Field([], description="any of these lifecycle states")
    model: int | None = Field(None, description="asset model id")
    location: int | None = Field(None, description="location id")
    stock_room: str = Field("", description="stock room slug")
    assignee: str = Field("", description="username, or 'me'")
    q: SearchText = Field("", description="an asset number, tag or serial number")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list:
        statuses = _present(value)
        bad = [s for s in statuses if s not in Status.values]
        if bad:
            raise unknown_value(bad[0], what="status")
        return statuses

    @field_validator("model", "location", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        if value in ("", None):
            return None
        if isinstance(value, bool) or not ID.fullmatch(str(value)):
            raise PydanticCustomError("an_id", "an id")
        return int(value)

    @field_validator("cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("stock_room", "assignee", "q", mode="before")
    @classmethod
    def _empty_is_any(cls, value: Any) -> Any:
        return "" if value is None else value


class ContractFilters(Schema):
    kind: str = Field("", description=f"one of {', '.join(ContractKind.values)}")
    vendor: str = Field("", max_length=120)
    expiring_within: int | None = Field(None, description="days: contracts ending by then")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        if value in ("", None):
            return ""
        if value not in ContractKind.values:
            raise one_of(ContractKind.values)
        return value

    @field_validator("expiring_within", "cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("vendor", mode="before")
    @classmethod
    def _empty_is_any(cls, value: Any) -> Any:
        return "" if value is None else value


class LoanFilters(Schema):
    """Which open loans (check-outs with a due-back date) the loans page and
    ``GET /api/v1/assets/loans`` show."""

    overdue: bool | None = Field(
        None, description="true: only those past their due date; false: only those not yet due"
    )
    holder: str = Field("", max_length=150, description="username, or 'me'")
    cursor: str | None = None
    limit: int | None = None

    @field_validator("overdue", "cursor", "limit", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("holder", mode="before")
    @classmethod
    def _empty_is_any(cls, value: Any) -> Any:
        return "" if value is None else value


class PageParams(Schema):
    cursor: str | None = None
    limit: int | None = None
