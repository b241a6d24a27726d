"""The filters of the mailbox and received-message lists, for the API and the pages alike.

An empty value means "any"; an unknown kind or status is a 422 naming the field."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field, field_validator

from steward.mailboxes.choices import MailboxKind, MessageStatus


def _none_if_empty(value: Any) -> Any:
    return None if value == "" else value


class MailboxFilters(Schema):
    """Which mailboxes a list shows."""

    q: str = Field("", max_length=200, description="words of the name or address")
    kind: MailboxKind | None = Field(None, description="imap or pipe")
    is_active: bool | None = Field(None, description="only active, or only inactive mailboxes")
    cursor: str | None = None
    limit: int | None = None

    _empty_is_none = field_validator("kind", "is_active", "cursor", "limit", mode="before")(
        _none_if_empty
    )


class MessageFilters(Schema):
    """Which received messages a list shows (the quarantine: ``status=quarantined``)."""

    status: MessageStatus | None = Field(None, description="what became of the message")
    mailbox: str = Field("", max_length=60, description="mailbox slug")
    q: str = Field("", max_length=200, description="words of the sender or subject")
    cursor: str | None = None
    limit: int | None = None

    _empty_is_none = field_validator("status", "cursor", "limit", mode="before")(_none_if_empty)
