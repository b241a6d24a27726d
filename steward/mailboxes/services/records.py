"""What a message does to records: a new requester, a new incident or request, a reply on
one, or a follow-up to a closed one. Everything goes through the incidents' and the
catalogue's own services, so the mail channel gets their checks, audit entries, SLA clocks,
approvals, tasks and notifications."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import slugify

from steward.catalog.choices import REQUEST_CLOSED
from steward.core import audit
from steward.core.actor import Actor
from steward.core.choices import Channel, Role
from steward.core.models import User
from steward.core.services import attachment_add, user_create
from steward.incidents import selectors as incident_selectors
from steward.incidents import services as incident_services
from steward.incidents.choices import IncidentChannel, Status
from steward.mailboxes import selectors
from steward.mailboxes.choices import MessageStatus, RecordType
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services import requests
from steward.mailboxes.services.parsing import Parsed, Unreadable

MAX_TEXT = 60_000  # below the comment limit (64 KiB), with room for a note
CLOSED = (Status.CLOSED, Status.CANCELLED)
INCIDENT = "incidents.incident"
REQUEST = "catalog.request"


def requester_create(actor: Actor, mailbox: Mailbox, address: str, name: str) -> User:
    """A new requester for an unknown sender, in the mailbox's organisation."""
    base = slugify(address.partition("@")[0])[:100] or "requester"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    fields = {"email": address, "first_name": name, "roles": [Role.REQUESTER]}
    if mailbox.organisation is not None:
        fields["organisation"] = mailbox.organisation.slug
    return user_create(actor, username=username, **fields)


def text_of(parsed: Parsed, *, reply: bool = False) -> str:
    """The record's text: a reply's new text only (the quoted history is already on the
    record, and the original message stays downloadable), or the whole text."""
    text = (parsed.reply if reply and parsed.reply else parsed.text).strip()
    text = text or "(The message had no text.)"
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\n\n[… cut: the original message is kept in full]"
    return text


def check_attachments(parsed: Parsed) -> None:
    """Refuse the whole message before anything is made when one attachment is over the upload
    limit: a file written by the attachment path is not rolled back with the transaction, so
    checking up front leaves neither a half-made record nor an orphan file."""
    limit = settings.MAX_UPLOAD_BYTES
    for part in parsed.attachments:
        if len(part.data) > limit:
            raise Unreadable(
                f"attachment {part.filename!r} is {len(part.data)} bytes, over the upload limit"
                f" of {limit} (STEWARD_MAX_UPLOAD_BYTES); retry after raising it"
            )


def _attach(actor: Actor, target: str, parsed: Parsed) -> None:
    for part in parsed.attachments:
        if part.data:
            attachment_add(
                actor,
                target=target,
                upload=io.BytesIO(part.data),
                filename=part.filename,
                size=len(part.data),
            )


@dataclass(frozen=True)
class Done:
    status: str
    record_type: str
    number: str
    comment_id: int | None = None


def open_record(
    actor: Actor, mailbox: Mailbox, caller: User, parsed: Parsed, follow_up_of: str = ""
) -> Done:
    """A new record of the mailbox's kind for the caller (a request's text is its first
    reply, whose id is kept so that its page links the message)."""
    if mailbox.record_type == RecordType.REQUEST:
        number, comment_id = requests.open_request(
            actor, mailbox, caller, parsed, text_of(parsed), follow_up_of=follow_up_of
        )
        _attach(actor, f"request/{number}", parsed)
        return Done(MessageStatus.CREATED, REQUEST, number, comment_id)
    number = _open_incident(actor, mailbox, caller, parsed, follow_up_of)
    return Done(MessageStatus.CREATED, INCIDENT, number)


def _open_incident(
    actor: Actor, mailbox: Mailbox, caller: User, parsed: Parsed, follow_up_of: str
) -> str:
    """A new incident for the caller with the mailbox's team and category."""
    fields: dict[str, str] = {"channel": IncidentChannel.EMAIL}
    if mailbox.team is not None:
        fields["team"] = mailbox.team.slug
    if mailbox.category is not None:
        fields["category"] = mailbox.category.slug
    description = text_of(parsed)
    if follow_up_of:
        description = f"Follow-up to {follow_up_of}, which is closed.\n\n{description}"
    incident = incident_services.incident_create(
        actor,
        title=parsed.subject or "(no subject)",
        caller=caller.username,
        description=description,
        **fields,
    )
    if follow_up_of:
        audit.record(actor, incident, after={"follow_up_of": follow_up_of})
    _attach(actor, f"incident/{incident.number}", parsed)
    _watch(actor, incident.number, caller, parsed)
    return incident.number


def _watch(actor: Actor, number: str, caller: User, parsed: Parsed) -> None:
    """The caller's Cc recipients who are known people watch the new incident (they get its
    public replies and may answer by mail); Steward's own addresses and unknown ones do not."""
    own = selectors.own_addresses()
    wanted = [a for a in parsed.cc if a not in own and a != caller.email.lower()]
    users = [u for u in map(selectors.user_by_email, wanted) if u is not None]
    if users:
        incident_services.incident_watchers_add(actor, number=number, users=users)


def _incident_state(sender: Actor, number: str) -> str | None:
    found = incident_selectors.incident_visible(sender).filter(number=number)
    return found.values_list("status", flat=True).first()


def _incident_reply(sender: Actor, number: str, text: str) -> int:
    return incident_services.incident_comment(sender, number=number, body=text, internal=False).pk


@dataclass(frozen=True)
class _Kind:
    """How mail replies on one record type: its attachment target, who may see it and in
    which state, which states are closed, and the public reply."""

    target: str
    state: Callable[[Actor, str], str | None]
    closed: tuple[str, ...]
    reply: Callable[[Actor, str, str], int]


KINDS = {
    INCIDENT: _Kind("incident", _incident_state, CLOSED, _incident_reply),
    REQUEST: _Kind("request", requests.request_state, REQUEST_CLOSED, requests.request_reply),
}


def reply(
    actor: Actor, mailbox: Mailbox, caller: User, record: tuple[str, str], parsed: Parsed
) -> Done | None:
    """Add the message to the record (type, number) when the sender may see it (its caller
    or requester, a watcher or approver, an agent serving its organisation); a closed one
    gets a follow-up of the mailbox's kind instead. None when the sender may not see it (or
    it does not exist): the message then opens a record of its own, and nobody learns
    whether the number exists."""
    record_type, number = record
    kind = KINDS[record_type]
    sender = Actor(user=caller, channel=Channel.EMAIL)
    state = kind.state(sender, number)
    if state is None:
        return None
    if state in kind.closed:
        return open_record(actor, mailbox, caller, parsed, follow_up_of=number)
    comment_id = kind.reply(sender, number, text_of(parsed, reply=True))
    _attach(actor, f"{kind.target}/{number}", parsed)
    return Done(MessageStatus.COMMENTED, record_type, number, comment_id)
