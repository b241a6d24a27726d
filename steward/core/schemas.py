"""API shapes for core records. Secrets are write-only: no Out schema carries one."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine


class UserOut(Schema):
    username: str
    first_name: str
    last_name: str
    email: str
    time_zone: str
    language: str = Field(description="en, de; empty: no choice, the browser's (mail: the site's)")
    phone: str
    organisation: str | None = Field(None, alias="organisation.slug")
    department: str | None = Field(None, alias="department.name")
    location: str | None = Field(None, alias="location.name")
    manager: str | None = Field(
        None,
        alias="manager.username",
        description="approves the person's catalogue requests whose stage asks for the manager",
    )
    roles: list[str]
    is_active: bool
    email_notifications: bool
    version: int

    @staticmethod
    def resolve_roles(obj) -> list[str]:  # noqa: ANN001
        return sorted(obj.role_names)


class UserCreateIn(In):
    username: str = Field(..., max_length=150)
    password: str | None = Field(None, max_length=128)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    time_zone: str = Field("", max_length=64)
    language: str = Field(
        "", max_length=10, description="en, de; empty: the browser's (mail: the site's)"
    )
    phone: str = Field("", max_length=40)
    organisation: str | None = None
    manager: str | None = Field(None, max_length=150, description="username (administrators)")
    roles: list[str] = Field(default_factory=lambda: ["requester"])


class UserPatchIn(In):
    not_null = frozenset({"first_name", "last_name", "email", "time_zone", "language", "phone"})

    version: int | None = None
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    time_zone: str | None = Field(None, max_length=64)
    language: str | None = Field(
        None, max_length=10, description="en, de; empty: the browser's (mail: the site's)"
    )
    phone: str | None = Field(None, max_length=40)
    email_notifications: bool | None = None
    organisation: str | None = None
    manager: str | None = Field(
        None, max_length=150, description="username; null: none (administrators)"
    )
    is_active: bool | None = None
    roles: list[str] | None = None


class TeamOut(Schema):
    slug: str
    name: str
    description: str
    email: str
    organisation: str | None = Field(None, alias="organisation.slug")
    lead: str | None = Field(None, alias="lead.username")
    members: list[str]
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_members(obj) -> list[str]:  # noqa: ANN001
        return sorted(m.username for m in obj.members.all())


class TeamCreateIn(In):
    name: SingleLine = Field(..., max_length=120)
    slug: str = Field("", max_length=60)
    description: str = Field("", max_length=5000)
    email: str = Field("", max_length=254)
    organisation: str | None = None
    lead: str | None = None
    members: list[str] = Field(default_factory=list, max_length=500)


class TeamPatchIn(In):
    not_null = frozenset({"name", "description", "email"})

    version: int | None = None
    name: SingleLine | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    email: str | None = Field(None, max_length=254)
    organisation: str | None = None
    lead: str | None = None
    is_active: bool | None = None


class MemberIn(In):
    username: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The secret. Shown only in this response; store it now.")


class TokenCreateIn(In):
    name: str = Field(..., max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"])
    expires_at: dt.datetime | None = None


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    channel: str
    request_id: str
    object_type: str
    object_id: str
    object_repr: str
    action: str
    changes: dict

    @staticmethod
    def resolve_object_type(obj) -> str:  # noqa: ANN001
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class AttachmentOut(Schema):
    id: uuid.UUID
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj) -> str:  # noqa: ANN001
        return f"/api/v1/attachments/{obj.id}/download"


# Comments on any record: one shape for every app (decision 0009). An app whose notes are
# internal by default (problems) subclasses ``CommentIn`` with ``internal: bool = True``.


class CommentIn(In):
    """A comment to add: Markdown body; ``internal`` marks a work note."""

    body: str = Field(..., max_length=65_536)
    internal: bool = False


class CommentOut(Schema):
    """A comment as the API shows it: the author by username, body as Markdown and HTML."""

    id: int
    author: str | None = Field(None, alias="author.username")
    body: str
    body_html: str
    internal: bool
    channel: str
    created_at: dt.datetime


class ClockOut(Schema):
    """One SLA clock of a record (incidents, requests, tasks), in business time."""

    kind: str
    policy: str
    state: str
    paused: bool
    started_at: dt.datetime
    due_at: dt.datetime | None = Field(None, description="null while paused")
    stopped_at: dt.datetime | None
    target_seconds: int
    elapsed_seconds: int
    time_left_seconds: int = Field(..., description="business seconds; negative when overdue")
    warned: bool
    breached: bool
