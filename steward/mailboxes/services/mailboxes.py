"""Mailboxes: administrators add, change and remove them. The IMAP password is write-only:
it is never returned, and the audit log records only that it changed."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from steward.catalog.models import CatalogItem
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import Conflict, ValidationFailed
from steward.core.models import Organisation, Team
from steward.core.services.common import (
    bump_version,
    check_version,
    new_slug,
    reject_unknown,
    require_admin,
    resolve_ref,
    unique_or_refused,
)
from steward.incidents.models import Category
from steward.mailboxes import selectors
from steward.mailboxes.choices import MailboxKind, RecordType
from steward.mailboxes.models import InboundMessage, Mailbox

TEXT = {"name": 120, "imap_host": 255, "imap_folder": 200, "imap_username": 255}
EDITABLE = {
    "name",
    "address",
    "kind",
    "imap_host",
    "imap_port",
    "imap_tls",
    "imap_folder",
    "imap_username",
    "imap_password",
    "poll_seconds",
    "record_type",
    "catalog_item",
    "team",
    "category",
    "organisation",
    "allow_new_requesters",
    "acknowledge",
    "acknowledgement_text",
    "is_active",
}
SECRET = ("imap_password",)
AUDITED = sorted(EDITABLE | {"slug"})
MIN_POLL, MAX_POLL = 10, 86_400
ACK_TEXT_MAX = 4000
ACK_PLACEHOLDERS = ("number", "title", "subject", "link", "address")
RESERVED = {"new", "messages"}  # page addresses beside /mailboxes/<slug>/


def ack_text_problem(text: str) -> str:
    """Why an acknowledgement text cannot be used, or ''."""
    if len(text) > ACK_TEXT_MAX:
        return _("at most %(limit)s characters") % {"limit": ACK_TEXT_MAX}
    template = string.Template(text)
    if not template.is_valid():
        return _("a lone $ must be written $$")
    unknown = sorted(set(template.get_identifiers()) - set(ACK_PLACEHOLDERS))
    if unknown:
        known = ", ".join(f"${name}" for name in ACK_PLACEHOLDERS)
        return _("unknown placeholder $%(name)s; use %(known)s") % {
            "name": unknown[0],
            "known": known,
        }
    return ""


def _admin_scope(actor: Actor) -> None:
    """An administrator's token without the admin scope is refused as such (403); anyone
    else who is no administrator then finds no mailbox (404, as for an absent one)."""
    user = actor.user
    if user is not None and (user.is_superuser or user.has_role("admin")):
        require_admin(actor, _("configure mailboxes (this token lacks the admin scope)"))


def _clean(values: dict[str, Any], mailbox: Mailbox | None) -> dict[str, Any]:
    """Checked values with references as rows; every problem named by its field at once."""
    clean, errors = dict(values), {}
    for name, most in TEXT.items():
        if name in clean:
            clean[name] = str(clean[name] or "").strip()
            if len(clean[name]) > most or (name == "name" and not clean[name]):
                errors[name] = [
                    _("required, at most %(max_length)s characters") % {"max_length": most}
                    if name == "name"
                    else _("at most %(limit)s characters") % {"limit": most}
                ]
    if "address" in clean:
        clean["address"] = str(clean["address"] or "").strip().lower()
        try:
            validate_email(clean["address"])
        except ValidationError:
            errors["address"] = [_("not a valid email address")]
        else:
            taken = Mailbox.objects.filter(address=clean["address"])
            if mailbox is not None:
                taken = taken.exclude(pk=mailbox.pk)
            if taken.exists():
                errors["address"] = [_("another mailbox has this address")]
    if "kind" in clean and clean["kind"] not in MailboxKind.values:
        errors["kind"] = [_("one of: %(value)s") % {"value": ", ".join(MailboxKind.values)}]
    if "imap_port" in clean and not (
        isinstance(clean["imap_port"], int) and 0 < clean["imap_port"] < 65536
    ):
        errors["imap_port"] = [_("a port number, 1 to 65535")]
    if "poll_seconds" in clean and not (
        isinstance(clean["poll_seconds"], int) and MIN_POLL <= clean["poll_seconds"] <= MAX_POLL
    ):
        errors["poll_seconds"] = [
            _("seconds, %(least)s to %(most)s") % {"least": MIN_POLL, "most": MAX_POLL}
        ]
    if "acknowledgement_text" in clean:
        clean["acknowledgement_text"] = str(clean["acknowledgement_text"] or "").strip()
        if problem := ack_text_problem(clean["acknowledgement_text"]):
            errors["acknowledgement_text"] = [problem]
    if "imap_password" in clean and len(str(clean["imap_password"] or "")) > 500:
        errors["imap_password"] = [_("at most %(limit)s characters") % {"limit": 500}]
    kind = clean.get("kind", mailbox.kind if mailbox else "")
    host = clean.get("imap_host", mailbox.imap_host if mailbox else "")
    if kind == MailboxKind.IMAP and not host and "imap_host" not in errors:
        errors["imap_host"] = [_("required for an IMAP mailbox")]
    if "record_type" in clean and clean["record_type"] not in RecordType.values:
        errors["record_type"] = [_("one of: %(value)s") % {"value": ", ".join(RecordType.values)}]
    if errors:
        raise ValidationFailed(errors)
    _clean_item(clean, mailbox)
    refs = {"team": (Team.objects.filter(is_active=True), "team"),
            "category": (Category.objects.all(), "category"),
            "organisation": (Organisation.objects.all(), "organisation")}  # fmt: skip
    for name, (qs, label) in refs.items():
        if name in clean:
            clean[name] = resolve_ref(qs, name, clean[name], key="slug", label=label)
    return clean


def _clean_item(clean: dict[str, Any], mailbox: Mailbox | None) -> None:
    """A request mailbox names an active catalogue item whose form mail can fill: one with
    no required question (the mail's text becomes the request's first reply instead)."""
    if "catalog_item" in clean:
        slug = clean["catalog_item"]
        item = CatalogItem.objects.filter(slug=slug).first() if slug else None
        if slug and (item is None or not item.is_active):
            raise ValidationFailed.one(
                "catalog_item", _("no active catalogue item %(slug)s") % {"slug": repr(slug)}
            )
        if item is not None and (asked := [f["key"] for f in item.form if f.get("required")]):
            raise ValidationFailed.one(
                "catalog_item",
                _(
                    "its form requires %(questions)s, which a mail cannot answer; choose an"
                    " item without required questions (such as a general request)"
                )
                % {"questions": ", ".join(asked)},
            )
        clean["catalog_item"] = item
    kind = clean.get("record_type", mailbox.record_type if mailbox else RecordType.INCIDENT)
    item = (
        clean["catalog_item"] if "catalog_item" in clean else getattr(mailbox, "catalog_item", None)
    )
    if kind == RecordType.REQUEST and item is None:
        raise ValidationFailed.one("catalog_item", _("required when new mail opens requests"))


@transaction.atomic
def mailbox_create(
    actor: Actor, *, name: str, address: str, kind: str, slug: str = "", **fields: Any
) -> Mailbox:
    """An administrator adds a mailbox."""
    require_admin(actor, _("configure mailboxes"))
    reject_unknown(fields, EDITABLE)
    clean = _clean({"name": name, "address": address, "kind": kind, **fields}, None)
    taken = {
        "slug": _("a mailbox with this slug already exists"),
        "name": _("a mailbox with this name already exists"),
        "address": _("another mailbox has this address"),
    }
    slug = new_slug(Mailbox, slug=slug, name=clean["name"], taken=taken)
    if slug in RESERVED:
        raise ValidationFailed.one(
            "slug", _("%(slug)s names a page; choose another") % {"slug": repr(slug)}
        )
    with unique_or_refused(Mailbox, taken):
        mailbox = Mailbox.objects.create(slug=slug, **clean)
    audit.record(
        actor, mailbox, action=AuditAction.CREATE, after=audit.snapshot(mailbox, AUDITED),
        secret_fields=SECRET,
    )  # fmt: skip
    outbox.emit("mailbox.created", mailbox, slug=slug)
    return mailbox


@transaction.atomic
def mailbox_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> Mailbox:
    """An administrator changes a mailbox; an empty password in a change keeps the old one."""
    _admin_scope(actor)
    mailbox = selectors.mailbox_get(actor, slug=slug, for_update=True)
    reject_unknown(changes, EDITABLE)
    check_version(mailbox, expected_version)
    if not changes.get("imap_password", "x"):
        changes = {k: v for k, v in changes.items() if k != "imap_password"}
    clean = _clean(changes, mailbox)
    taken = {
        "name": _("a mailbox with this name already exists"),
        "address": _("another mailbox has this address"),
    }
    if (
        "name" in clean
        and Mailbox.objects.filter(name=clean["name"]).exclude(pk=mailbox.pk).exists()
    ):
        raise ValidationFailed.one("name", taken["name"])
    before = audit.snapshot(mailbox, AUDITED)
    for name, value in clean.items():
        setattr(mailbox, name, value)
    after = audit.snapshot(mailbox, AUDITED)
    changed = [n for n in clean if before.get(n) != after.get(n)]
    if changed:
        # a rename (or new address) racing another's passed the checks above too
        with unique_or_refused(Mailbox, taken):
            bump_version(mailbox, changed)
        audit.record(actor, mailbox, before=before, after=after, secret_fields=SECRET)
        outbox.emit("mailbox.updated", mailbox, slug=slug, changed=sorted(changed))
    return mailbox


@transaction.atomic
def mailbox_delete(actor: Actor, *, slug: str) -> None:
    """Remove a mailbox that never received mail; one that did is kept for its messages'
    audit trail and is deactivated instead."""
    _admin_scope(actor)
    mailbox = selectors.mailbox_get(actor, slug=slug, for_update=True)
    if InboundMessage.objects.filter(mailbox=mailbox).exists():
        raise Conflict(
            _("This mailbox has received mail; deactivate it instead (is_active false)."),
            fields={"slug": [_("has received mail")]},
        )
    audit.record(
        actor,
        mailbox,
        action=AuditAction.DELETE,
        before=audit.snapshot(mailbox, AUDITED),
        secret_fields=SECRET,
    )
    mailbox.delete()
