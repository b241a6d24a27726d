"""Manual maintenance windows: IT operations declare planned work without a change, by
CIs and/or a node pattern; while one is in force, alerts in its scope are in maintenance,
as under a change's window (docs/events.md, decision 0105). Agents who work alerts keep
them; every write is audited and emits an outbox event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.datetimes import check_window
from steward.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from steward.core.selectors.scoping import sees_everything
from steward.core.services.common import (
    bump_version,
    check_version,
    reject_unknown,
    unknown_ci,
)
from steward.core.text import is_single_line
from steward.events import selectors
from steward.events.models import MaintenanceWindow
from steward.events.selectors.windows import window_id

FIELDS = {"name", "reason", "starts_at", "ends_at", "node_pattern", "configuration_items"}
LONGEST = dt.timedelta(days=7)  # a longer silence is a decommission, not maintenance
MAX_CIS = 200
PATTERN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-_*?[]!")
WINDOW_REFUSED = gettext_noop("Only agents who work alerts keep maintenance windows.")
PATTERN_REFUSED = gettext_noop(
    "Only an agent serving every organisation ends or deletes a window with a node pattern:"
    " it holds the alerts of every organisation."
)
PATTERN_NOT_SET = gettext_noop("only an agent serving every organisation sets a node pattern")


def _require_worker(actor: Actor) -> None:
    if not selectors.can_work(actor):
        raise PermissionDenied(_(WINDOW_REFUSED))


def _require_change(
    actor: Actor, window: MaintenanceWindow, *, refuse: Callable[[], DomainError]
) -> None:
    """The page's rule (``selectors.can_change_window``), asked once the actor is known to
    work alerts: what is left is a limited agent and a node pattern, which holds other
    organisations' alerts too. ``refuse`` is the error each use case answers it with."""
    if not selectors.can_change_window(actor, window):
        raise refuse()


def _pattern_not_ended() -> PermissionDenied:
    message = _(PATTERN_REFUSED)
    return PermissionDenied(message, fields={"node_pattern": [message]})


def _pattern_not_set() -> ValidationFailed:
    return ValidationFailed.one("node_pattern", _(PATTERN_NOT_SET))


def _text(clean: dict[str, Any], name: str, limit: int, *, one_line: bool) -> None:
    if name not in clean:
        return
    value = clean[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed.one(name, _("must be text"))
    value = value.strip()
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValidationFailed.one(name, _("not valid Unicode text")) from None
    if len(value) > limit:
        raise ValidationFailed.one(name, _("at most %(limit)s characters") % {"limit": limit})
    if one_line and value and not is_single_line(value):
        raise ValidationFailed.one(name, _("one line, without control characters"))
    clean[name] = value


def _pattern(actor: Actor, clean: dict[str, Any]) -> None:
    _text(clean, "node_pattern", 255, one_line=True)
    pattern = clean.get("node_pattern", "").lower()
    if not pattern:
        return
    if set(pattern) - PATTERN_CHARS:
        raise ValidationFailed.one(
            "node_pattern", _("letters, digits, . - _ and the wildcards * ? [ ] only")
        )
    if not set(pattern) - set("*?[]!.-_"):
        raise ValidationFailed.one(
            "node_pattern", _("names no node: wildcards alone would silence every alert")
        )
    if not sees_everything(actor):  # a pattern reaches every organisation's alerts
        raise _pattern_not_set()
    clean["node_pattern"] = pattern


def _cis(actor: Actor, clean: dict[str, Any]) -> None:
    if "configuration_items" not in clean:
        return
    numbers = clean["configuration_items"] or []
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        raise ValidationFailed.one("configuration_items", _("a list of CI numbers"))
    wanted = list(dict.fromkeys(n.strip().upper() for n in numbers if n.strip()))
    if len(wanted) > MAX_CIS:
        raise ValidationFailed.one(
            "configuration_items", _("at most %(limit)s CIs") % {"limit": MAX_CIS}
        )
    found = {
        ci.number: ci
        for ci in cmdb_selectors.ci_visible(actor).filter(number__in=wanted).only("id", "number")
    }
    missing = [n for n in wanted if n not in found]
    if missing:
        raise unknown_ci("configuration_items", missing[0])
    clean["configuration_items"] = [found[n] for n in wanted]


def _times(clean: dict[str, Any], current: MaintenanceWindow | None, now: dt.datetime) -> None:
    start, end = check_window(clean, current)
    if end - start > LONGEST:
        raise ValidationFailed.one("ends_at", _("a window lasts at most 7 days"))
    if "ends_at" in clean and end <= now:
        raise ValidationFailed.one("ends_at", _("the window is in the past"))


def _clean(
    actor: Actor, values: dict[str, Any], current: MaintenanceWindow | None
) -> dict[str, Any]:
    clean = dict(values)
    _text(clean, "name", 200, one_line=True)
    _text(clean, "reason", 10_000, one_line=False)
    if "name" in clean and not clean["name"]:
        raise ValidationFailed.one("name", _("required"))
    _pattern(actor, clean)
    _cis(actor, clean)
    _times(clean, current, timezone.now())
    pattern = clean.get("node_pattern", getattr(current, "node_pattern", ""))
    if "configuration_items" in clean:
        cis = clean["configuration_items"]
    else:
        cis = list(current.configuration_items.all()) if current else []
    if not pattern and not cis:
        raise ValidationFailed.one(
            "configuration_items", _("name at least one CI, or a node pattern")
        )
    return clean


def _snapshot(window: MaintenanceWindow, cis: list | None = None) -> dict[str, Any]:
    values = audit.snapshot(window, ("name", "reason", "starts_at", "ends_at", "node_pattern"))
    listed = cis if cis is not None else window.configuration_items.all()
    values["configuration_items"] = sorted(ci.number for ci in listed)
    return values


@transaction.atomic
def window_create(actor: Actor, *, name: Any, **fields: Any) -> MaintenanceWindow:
    """A window over CIs and/or a node pattern, from now or later, at most 7 days long."""
    _require_worker(actor)
    reject_unknown(fields, FIELDS - {"name"})
    clean = _clean(actor, {"name": name, "node_pattern": "", **fields}, None)
    cis = clean.pop("configuration_items", [])
    window = MaintenanceWindow.objects.create(created_by=actor.user, **clean)
    window.configuration_items.set(cis)
    audit.record(actor, window, action=AuditAction.CREATE, after=_snapshot(window, cis))
    outbox.emit("maintenance_window.created", window)
    return window


def _locked(actor: Actor, pk: object) -> MaintenanceWindow:
    window = selectors.window_visible(actor).select_for_update(of=("self",))
    found = window.filter(pk=window_id(pk)).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def window_update(
    actor: Actor, *, pk: object, expected_version: int | None, changes: dict[str, Any]
) -> MaintenanceWindow:
    """Change a window's name, reason, times or scope (``If-Match``: 412 when stale)."""
    window = _locked(actor, pk)
    _require_worker(actor)
    reject_unknown(changes, FIELDS)
    check_version(window, expected_version)
    _require_change(actor, window, refuse=_pattern_not_set)
    clean = _clean(actor, changes, window)
    before = _snapshot(window)
    cis = clean.pop("configuration_items", None)
    for name, value in clean.items():
        setattr(window, name, value)
    after = _snapshot(window, cis)
    changed = [n for n in after if before[n] != after[n]]
    if changed:
        if cis is not None and "configuration_items" in changed:
            window.configuration_items.set(cis)
        bump_version(window, [n for n in changed if n != "configuration_items"])
        audit.record(actor, window, before=before, after=after)
        outbox.emit("maintenance_window.updated", window, changed=changed)
    return window


@transaction.atomic
def window_end(actor: Actor, *, pk: object, expected_version: int | None) -> MaintenanceWindow:
    """End a window in force now: the next event of each of its alerts leaves maintenance
    and the incident rule applies again."""
    window = _locked(actor, pk)
    _require_worker(actor)
    _require_change(actor, window, refuse=_pattern_not_ended)
    check_version(window, expected_version)
    now = timezone.now()
    if window.ends_at <= now:
        raise Conflict(_("The window is over already."))
    if window.starts_at > now:
        raise Conflict(_("The window has not started: delete it instead."))
    before = {"ends_at": audit.snapshot(window, ("ends_at",))["ends_at"]}
    window.ends_at = now
    bump_version(window, ["ends_at"])
    audit.record(actor, window, before=before, after=audit.snapshot(window, ("ends_at",)))
    outbox.emit("maintenance_window.ended", window)
    return window


@transaction.atomic
def window_delete(actor: Actor, *, pk: object, expected_version: int | None) -> None:
    """Remove a window (planned by mistake, or over and no longer wanted); audited."""
    window = _locked(actor, pk)
    _require_worker(actor)
    _require_change(actor, window, refuse=_pattern_not_ended)
    check_version(window, expected_version)
    before = _snapshot(window)
    audit.record(actor, window, action=AuditAction.DELETE, before=before)
    outbox.emit("maintenance_window.deleted", window, name=window.name)
    window.delete()
