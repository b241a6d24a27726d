"""Reads of mailboxes: configuration, so administrators (and the system) only."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.catalog import selectors as catalog_selectors
from steward.core import selectors as core_selectors
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Team
from steward.core.pagination import Page, paginate
from steward.incidents.models import Category
from steward.mailboxes.choices import MailboxKind
from steward.mailboxes.models import Mailbox


def mailbox_visible(actor: Actor) -> QuerySet[Mailbox]:
    """Mailboxes hold credentials and routing: administrators see them, nobody else."""
    qs = Mailbox.objects.all()
    return qs if actor.is_admin else qs.none()


def mailbox_list(
    actor: Actor,
    *,
    q: str = "",
    kind: str | None = None,
    is_active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of mailboxes by name."""
    qs = mailbox_visible(actor).select_related("team", "category", "organisation", "catalog_item")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)


def mailbox_get(actor: Actor, *, slug: str, for_update: bool = False) -> Mailbox:
    """One mailbox the actor may see, or ``NotFound``."""
    qs = mailbox_visible(actor).select_related("team", "category", "organisation", "catalog_item")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    mailbox = qs.filter(slug=slug).first()
    if mailbox is None:
        raise NotFound()
    return mailbox


def mailbox_by_name(name: str) -> Mailbox | None:
    """For the command line and the MTA: an active mailbox by name, slug or address."""
    return (
        Mailbox.objects.filter(is_active=True)
        .filter(Q(name=name) | Q(slug=name) | Q(address__iexact=name))
        .first()
    )


_held = threading.local()


@contextmanager
def own_addresses_held() -> Iterator[None]:
    """Read Steward's own addresses once for a batch of messages (one transaction: no
    mailbox changes under it), instead of once or twice per message."""
    outer = getattr(_held, "own", None)
    _held.own = outer if outer is not None else _own_addresses()
    try:
        yield
    finally:
        _held.own = outer


def own_addresses() -> set[str]:
    """Addresses Steward sends or receives as: never a caller (a loop otherwise)."""
    held = getattr(_held, "own", None)
    return held if held is not None else _own_addresses()


def _own_addresses() -> set[str]:
    own = set(mail_config().addresses)
    sender = _address_of(settings.DEFAULT_FROM_EMAIL)
    if sender:
        own.add(sender)
    return own


@functools.lru_cache(maxsize=4)
def _address_of(value: str) -> str:
    """The address of a setting's "Name <address>" (parsed once per value, not per message)."""
    return parseaddr(value)[1].lower()


@dataclass(frozen=True)
class MailConfig:
    """What ingestion looks up on every message, cached per process under the
    ``mail_config`` stamp (bumped by any save of a mailbox, team, category or organisation):
    the mailboxes' addresses (Steward's own), and the teams and categories by id (a
    mailbox's routing, checked by the incidents' rules when used)."""

    addresses: frozenset[str]
    teams: dict[int, Team]
    categories: dict[int, Category]


def _load_config() -> MailConfig:
    return MailConfig(
        addresses=frozenset(a.lower() for a in Mailbox.objects.values_list("address", flat=True)),
        teams={t.pk: t for t in Team.objects.all()},
        categories={c.pk: c for c in Category.objects.all()},
    )


_config = stamps.Versioned(stamps.MAIL_CONFIG, _load_config)


def mail_config() -> MailConfig:
    return _config.get()


def mailboxes_due_for_poll() -> list[Mailbox]:
    """Active IMAP mailboxes whose poll interval has passed."""
    now = timezone.now()
    due = []
    for mailbox in Mailbox.objects.filter(is_active=True, kind=MailboxKind.IMAP):
        last = mailbox.last_polled_at
        if last is None or (now - last).total_seconds() >= mailbox.poll_seconds:
            due.append(mailbox)
    return due


def mailbox_form_choices(actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """The teams, categories, organisations and catalogue items a mailbox may name, as
    (slug, name)."""
    return {
        "catalog_item": list(
            catalog_selectors.item_visible(actor)
            .filter(is_active=True)
            .order_by("name")
            .values_list("slug", "name")
        ),
        "team": list(
            core_selectors.team_visible(actor)
            .filter(is_active=True)
            .order_by("name")
            .values_list("slug", "name")
        ),
        "category": list(Category.objects.order_by("name").values_list("slug", "name")),
        "organisation": list(
            core_selectors.organisation_visible(actor).order_by("name").values_list("slug", "name")
        ),
    }
