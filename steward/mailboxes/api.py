"""Routes for mailboxes and received messages: administrators only (others see none)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.mailboxes import selectors, services
from steward.mailboxes.filters import MailboxFilters, MessageFilters
from steward.mailboxes.schemas import (
    ConnectionTestOut,
    MailboxCreateIn,
    MailboxOut,
    MailboxPatchIn,
    MessageOut,
)

mailboxes = Router(tags=["mailboxes"])
messages = Router(tags=["mailboxes"])


@mailboxes.get("", response=page_of(MailboxOut))
def list_mailboxes(request: HttpRequest, filters: Query[MailboxFilters]):
    return selectors.mailbox_list(request.actor, **filters.dict())


@mailboxes.get("/{slug}", response=MailboxOut)
def get_mailbox(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.mailbox_get(request.actor, slug=slug))


@mailboxes.post("", response={201: MailboxOut})
def create_mailbox(request: HttpRequest, response: HttpResponse, payload: MailboxCreateIn):
    mailbox = create_with_key(
        request,
        scope="mailboxes",
        data=payload.dict(),
        create=services.mailbox_create,
        visible=selectors.mailbox_visible,
    )
    return 201, tag(response, mailbox)


@mailboxes.patch("/{slug}", response=MailboxOut)
def patch_mailbox(request: HttpRequest, response: HttpResponse, slug: str, payload: MailboxPatchIn):
    mailbox = services.mailbox_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, mailbox)


@mailboxes.delete("/{slug}", response={204: None})
def delete_mailbox(request: HttpRequest, slug: str):
    services.mailbox_delete(request.actor, slug=slug)
    return 204, None


@mailboxes.post("/{slug}/test", response=ConnectionTestOut)
def try_mailbox_connection(request: HttpRequest, slug: str):
    """Log in and open the folder read-only, within a bounded time; 200 either way, with
    ``ok`` and what happened in words (the web page's "Test connection")."""
    ok, said = services.mailbox_test_connection(request.actor, slug=slug)
    return {"ok": ok, "message": said}


@messages.get("", response=page_of(MessageOut))
def list_messages(request: HttpRequest, filters: Query[MessageFilters]):
    return selectors.message_list(request.actor, **filters.dict())


@messages.get("/{message_id}", response=MessageOut)
def get_message(request: HttpRequest, message_id: int):
    return selectors.message_get(request.actor, pk=message_id)


@messages.post("/{message_id}/retry", response=MessageOut)
def retry_message(request: HttpRequest, message_id: int):
    return services.message_retry(request.actor, pk=message_id)


@messages.post("/{message_id}/release", response=MessageOut)
def release_message(request: HttpRequest, message_id: int):
    """Let in a message held because its known sender was not authenticated (decision
    0093): the administrator vouches for the sender; a second release changes nothing."""
    return services.message_release(request.actor, pk=message_id)


@messages.post("/{message_id}/discard", response=MessageOut)
def discard_message(request: HttpRequest, message_id: int):
    return services.message_discard(request.actor, pk=message_id)


ROUTERS = [("mailboxes", mailboxes), ("mail-messages", messages)]
