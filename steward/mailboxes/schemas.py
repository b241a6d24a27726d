"""API shapes of mailboxes and received messages. The IMAP password goes in, never out:
responses say only whether one is set."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.mailboxes.choices import MailboxKind, RecordType


class MailboxOut(Schema):
    slug: str
    name: str
    address: str
    kind: str
    imap_host: str
    imap_port: int
    imap_tls: bool
    imap_folder: str
    imap_username: str
    has_password: bool
    poll_seconds: int
    record_type: str
    catalog_item: str | None
    team: str | None
    category: str | None
    organisation: str | None
    allow_new_requesters: bool
    acknowledge: bool
    acknowledgement_text: str
    is_active: bool
    last_polled_at: dt.datetime | None
    last_poll_error: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_has_password(obj) -> bool:  # noqa: ANN001
        return bool(obj.imap_password)

    @staticmethod
    def resolve_catalog_item(obj) -> str | None:  # noqa: ANN001
        return obj.catalog_item.slug if obj.catalog_item else None

    @staticmethod
    def resolve_team(obj) -> str | None:  # noqa: ANN001
        return obj.team.slug if obj.team else None

    @staticmethod
    def resolve_category(obj) -> str | None:  # noqa: ANN001
        return obj.category.slug if obj.category else None

    @staticmethod
    def resolve_organisation(obj) -> str | None:  # noqa: ANN001
        return obj.organisation.slug if obj.organisation else None


class MailboxCreateIn(In):
    name: SingleLine = Field(..., max_length=120)
    slug: str = Field("", max_length=60)
    address: SingleLine = Field(..., max_length=254)
    kind: MailboxKind
    imap_host: SingleLine = Field("", max_length=255)
    imap_port: int = Field(993, ge=1, le=65535)
    imap_tls: bool = True
    imap_folder: SingleLine = Field("INBOX", max_length=200)
    imap_username: SingleLine = Field("", max_length=255)
    imap_password: str = Field("", max_length=500, description="write-only")
    poll_seconds: int = Field(60, ge=10, le=86_400)
    record_type: RecordType = Field(RecordType.INCIDENT, description="what a new mail opens")
    catalog_item: str | None = Field(
        None,
        max_length=60,
        description="catalogue item slug new requests order (record_type request)",
    )
    team: str | None = Field(None, max_length=60, description="team slug")
    category: str | None = Field(None, max_length=60, description="incident category slug")
    organisation: str | None = Field(None, max_length=60, description="for new requesters")
    allow_new_requesters: bool = False
    acknowledge: bool = True
    acknowledgement_text: str = Field(
        "", max_length=4000, description="string.Template: $number $title $subject $link $address"
    )
    is_active: bool = True


class MailboxPatchIn(In):
    not_null = frozenset(
        {
            "name",
            "address",
            "kind",
            "imap_host",
            "imap_folder",
            "imap_username",
            "imap_password",
            "acknowledgement_text",
            "record_type",
        }
    )
    version: int | None = None
    name: SingleLine | None = Field(None, max_length=120)
    address: SingleLine | None = Field(None, max_length=254)
    kind: MailboxKind | None = None
    imap_host: SingleLine | None = Field(None, max_length=255)
    imap_port: int | None = Field(None, ge=1, le=65535)
    imap_tls: bool | None = None
    imap_folder: SingleLine | None = Field(None, max_length=200)
    imap_username: SingleLine | None = Field(None, max_length=255)
    imap_password: str | None = Field(None, max_length=500, description="write-only; empty keeps")
    poll_seconds: int | None = Field(None, ge=10, le=86_400)
    record_type: RecordType | None = None
    catalog_item: str | None = Field(None, max_length=60)
    team: str | None = Field(None, max_length=60)
    category: str | None = Field(None, max_length=60)
    organisation: str | None = Field(None, max_length=60)
    allow_new_requesters: bool | None = None
    acknowledge: bool | None = None
    acknowledgement_text: str | None = Field(None, max_length=4000)
    is_active: bool | None = None


class ConnectionTestOut(Schema):
    """What "test connection" found: whether the login and the folder worked, in words."""

    ok: bool
    message: str


class MessageOut(Schema):
    id: int
    mailbox: str = Field(..., alias="mailbox.slug")
    message_id: str
    received_at: dt.datetime
    sender: str
    subject: str
    size: int
    status: str
    reason: str
    attempts: int
    record_number: str
    processed_at: dt.datetime | None
