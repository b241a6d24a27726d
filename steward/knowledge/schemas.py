"""API shapes for knowledge articles."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.core.filters import SearchText
from steward.knowledge.services.validation import MAX_BODY, MAX_TITLE


class ArticleOut(Schema):
    number: str
    title: str
    body: str = Field(..., description="Markdown as written")
    body_html: str = Field(..., description="the sanitised HTML readers see")
    status: str
    audience: str
    organisation: str | None = Field(None, alias="organisation.slug")
    category: str | None = Field(None, alias="category.slug")
    owner: str = Field(..., alias="owner.username")
    review_date: dt.date | None
    revision: int = Field(..., description="published texts so far")
    published_at: dt.datetime | None
    retired_at: dt.datetime | None
    view_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ArticleVersionOut(Schema):
    revision: int
    title: str
    body: str
    body_html: str
    published_at: dt.datetime


class ArticleCreateIn(In):
    title: SingleLine | None = Field(
        None, max_length=MAX_TITLE, description="required unless from_incident gives it"
    )
    from_incident: SingleLine | None = Field(
        None, max_length=16, description="an incident number: a draft from its resolution"
    )
    # no NUL (PostgreSQL cannot store it in text): a 422 naming the field, never a 500
    body: SearchText = Field("", max_length=MAX_BODY, description="Markdown")
    audience: SingleLine = Field("everyone", description="everyone or agents")
    category: SingleLine | None = None
    organisation: SingleLine | None = None
    owner: SingleLine | None = Field(None, description="username of an agent; default you")
    review_date: dt.date | None = None


class ArticlePatchIn(In):
    version: int | None = None
    title: SingleLine | None = Field(None, max_length=MAX_TITLE)
    body: SearchText | None = Field(None, max_length=MAX_BODY)
    audience: SingleLine | None = None
    category: SingleLine | None = None
    organisation: SingleLine | None = None
    owner: SingleLine | None = None
    review_date: dt.date | None = None
    status: SingleLine | None = Field(None, description="draft, review, published or retired")


class FeedbackIn(In):
    helpful: bool


class FeedbackOut(Schema):
    helpful: bool
