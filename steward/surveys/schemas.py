"""API shapes of surveys, the answer by link, and the administrators' settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from steward.api.http import In
from steward.surveys.choices import MAX_COMMENT


class SurveyOut(Schema):
    id: int
    subject: str
    number: str
    title: str
    requester: str = Field(..., alias="requester.username")
    team: str | None = Field(None, alias="team.slug")
    invited_at: dt.datetime
    closes_at: dt.datetime
    rating: int | None
    comment: str
    answered_at: dt.datetime | None
    version: int


class SurveyAnswerIn(In):
    token: str = Field(..., min_length=1, max_length=1000, description="from the emailed link")
    rating: int = Field(..., ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
    comment: str = Field("", max_length=MAX_COMMENT)

    not_null = frozenset({"comment"})

    @field_validator("rating", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        # pydantic reads true as 1 (a bool is an int in Python): a rating is a number
        if isinstance(value, bool):
            raise PydanticCustomError(
                "rating_boolean", "a whole number from 1 to 5, not true or false"
            )
        return value


class SurveyAnsweredOut(Schema):
    number: str
    rating: int
    comment: str
    answered_at: dt.datetime
    closes_at: dt.datetime


class SurveySettingsOut(Schema):
    is_enabled: bool
    sample_percent: int
    notify_low_ratings: bool
    low_rating: int
    version: int


class SurveySettingsPatchIn(In):
    is_enabled: bool | None = None
    sample_percent: int | None = Field(None, ge=0, le=100)
    notify_low_ratings: bool | None = None
    low_rating: int | None = Field(None, ge=1, le=4)
    version: int | None = None
