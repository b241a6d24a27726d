"""Change configuration people edit: standard-change templates, freeze windows, and each
user's calendar-feed secret."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from steward.changes import selectors
from steward.changes.models import ChangeTemplate, FeedToken, FreezeWindow
from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role
from steward.core.datetimes import check_window
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.services.common import (
    bump_version,
    check_version,
    reject_unknown,
    unknown_ci,
)

TEMPLATE_FIELDS = {
    "name",
    "slug",
    "description",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "is_active",
}
FREEZE_FIELDS = {"name", "slug", "reason", "starts_at", "ends_at", "ci", "is_active"}


def _require_change_manager(actor: Actor) -> None:
    """Templates and freeze windows are kept by change managers and administrators."""
    if actor.is_admin or (
        actor.user is not None
        and actor.user.has_role(Role.CHANGE_MANAGER)
        and actor.has_scope("write")
    ):
        return
    raise PermissionDenied(_("Only change managers and administrators edit this."))


def _slug(value: Any, name: str) -> str:
    slug = slugify(str(value or name or ""))[:60]
    if not slug:
        raise ValidationFailed.one("slug", _("required"))
    return slug


def _text(clean: dict[str, Any], name: str, limit: int) -> None:
    if name in clean:
        clean[name] = (clean[name] or "").strip()
        if len(clean[name]) > limit:
            raise ValidationFailed.one(name, _("at most %(limit)s characters") % {"limit": limit})


@transaction.atomic
def template_create(actor: Actor, *, name: str, **fields: Any) -> ChangeTemplate:
    """A new pre-approved standard change."""
    _require_change_manager(actor)
    reject_unknown(fields, TEMPLATE_FIELDS - {"name"})
    clean = {"name": name, **fields}
    for field in ("name", "description", "implementation_plan", "backout_plan", "test_plan"):
        _text(clean, field, 200 if field == "name" else 100_000)
    if not clean["name"]:
        raise ValidationFailed.one("name", _("required"))
    clean["slug"] = _slug(clean.get("slug"), clean["name"])
    if ChangeTemplate.objects.filter(slug=clean["slug"]).exists():
        raise ValidationFailed.one("slug", _("already taken"))
    template = ChangeTemplate.objects.create(**clean)
    audit.record(
        actor,
        template,
        action=AuditAction.CREATE,
        after=audit.snapshot(template, sorted(TEMPLATE_FIELDS)),
    )
    outbox.emit("change_template.created", template, slug=template.slug)
    return template


@transaction.atomic
def template_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> ChangeTemplate:
    template = selectors.template_visible(actor).select_for_update().filter(slug=slug).first()
    if template is None:
        raise NotFound()
    _require_change_manager(actor)
    reject_unknown(changes, TEMPLATE_FIELDS - {"slug"})
    check_version(template, expected_version)
    clean = dict(changes)
    for field in ("name", "description", "implementation_plan", "backout_plan", "test_plan"):
        _text(clean, field, 200 if field == "name" else 100_000)
    if "name" in clean and not clean["name"]:
        raise ValidationFailed.one("name", _("required"))
    before = audit.snapshot(template, sorted(TEMPLATE_FIELDS))
    for name, value in clean.items():
        setattr(template, name, value)
    after = audit.snapshot(template, sorted(TEMPLATE_FIELDS))
    changed = [n for n in after if before[n] != after[n]]
    if changed:
        bump_version(template, changed)
        audit.record(actor, template, before=before, after=after)
        outbox.emit("change_template.updated", template, slug=template.slug, changed=changed)
    return template


def _freeze_clean(actor: Actor, clean: dict[str, Any], current: FreezeWindow | None) -> None:
    _text(clean, "name", 200)
    _text(clean, "reason", 10_000)
    if "name" in clean and not clean["name"]:
        raise ValidationFailed.one("name", _("required"))
    end = check_window(clean, current)[1]
    if "ends_at" in clean and end < timezone.now():
        raise ValidationFailed.one("ends_at", _("the window is in the past"))
    if "ci" in clean:
        number = clean["ci"]
        if number in (None, ""):
            clean["ci"] = None
        else:
            ci = cmdb_selectors.ci_visible(actor).filter(number=str(number).upper()).first()
            if ci is None:
                raise unknown_ci("ci", number)
            clean["ci"] = ci


@transaction.atomic
def freeze_create(actor: Actor, *, name: str, **fields: Any) -> FreezeWindow:
    """A blackout window, global or for one service CI (and what depends on it)."""
    _require_change_manager(actor)
    reject_unknown(fields, FREEZE_FIELDS - {"name"})
    clean = {"name": name, **fields}
    _freeze_clean(actor, clean, None)
    clean["slug"] = _slug(clean.get("slug"), clean["name"])
    if FreezeWindow.objects.filter(slug=clean["slug"]).exists():
        raise ValidationFailed.one("slug", _("already taken"))
    freeze = FreezeWindow.objects.create(**clean)
    audit.record(
        actor,
        freeze,
        action=AuditAction.CREATE,
        after=audit.snapshot(freeze, sorted(FREEZE_FIELDS)),
    )
    outbox.emit("freeze_window.created", freeze, slug=freeze.slug)
    return freeze


@transaction.atomic
def freeze_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> FreezeWindow:
    freeze = selectors.freeze_visible(actor).select_for_update(of=("self",)).filter(slug=slug)
    freeze = freeze.first()
    if freeze is None:
        raise NotFound()
    _require_change_manager(actor)
    reject_unknown(changes, FREEZE_FIELDS - {"slug"})
    check_version(freeze, expected_version)
    clean = dict(changes)
    _freeze_clean(actor, clean, freeze)
    before = audit.snapshot(freeze, sorted(FREEZE_FIELDS))
    for name, value in clean.items():
        setattr(freeze, name, value)
    after = audit.snapshot(freeze, sorted(FREEZE_FIELDS))
    changed = [n for n in after if before[n] != after[n]]
    if changed:
        bump_version(freeze, changed)
        audit.record(actor, freeze, before=before, after=after)
        outbox.emit("freeze_window.updated", freeze, slug=freeze.slug, changed=changed)
    return freeze


@transaction.atomic
def feed_token_issue(actor: Actor) -> str:
    """A new secret for the actor's calendar feeds (the old one stops working); only its
    digest is stored, so the raw value is returned once."""
    if actor.user is None or not actor.has_scope("write"):
        raise PermissionDenied(_("Only people have calendar feeds."))
    raw = secrets.token_urlsafe(32)
    digest = hashlib.sha256(raw.encode()).hexdigest()
    try:
        with transaction.atomic():
            FeedToken.objects.update_or_create(user=actor.user, defaults={"token": digest})
    except IntegrityError as exc:  # a 256-bit collision: not in this universe
        raise ValidationFailed.one("token", _("try again")) from exc
    audit.record(
        actor,
        actor.user,
        after={"change_feed_token": "issued"},
        secret_fields=["change_feed_token"],
    )
    return raw
