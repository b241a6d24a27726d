"""The one filter every report reads, on the page and over the API alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator


def _none_if_empty(value: Any) -> Any:
    return None if value == "" else value


class ReportFilters(Schema):
    """The period (whole days, both included; by default the last 12 weeks up to today) and
    one team (by default: every team the reader sees)."""

    start: dt.date | None = Field(None, description="first day, YYYY-MM-DD")
    end: dt.date | None = Field(None, description="last day, YYYY-MM-DD (default: today)")
    team: str = Field("", description="team slug; empty: every team you may read")

    _empty_is_none = field_validator("start", "end", mode="before")(_none_if_empty)
