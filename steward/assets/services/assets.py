"""Asset write use cases: create, update (with lifecycle moves), check out, check in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets import selectors
from steward.assets.choices import TERMINAL_STATES, Status
from steward.assets.models import Asset, Assignment
from steward.assets.services import lifecycle, validation
from steward.assets.services.validation import clean_fields, date, ref
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role
from steward.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from steward.core.numbering import next_number
from steward.core.services.common import bump_version, reject_unknown
from steward.core.services.records import RecordRules, record_update

EDITABLE = {
    "asset_tag",
    "serial_number",
    "model",
    "organisation",
    "vendor",
    "purchase_order",
    "purchase_date",
    "cost",
    "holds_data",
    "owner_team",
    "stock_room",
    "location",
    "notes",
}
AUDITED = sorted(EDITABLE | {"number", "status", "assignee", "location", "configuration_item"})
CREATE_STATES = (Status.ON_ORDER, Status.IN_STOCK)
# what a check-out or check-in writes
MOVED = ["status", "assignee", "location", "stock_room", "configuration_item"]


def require_write(actor: Actor) -> None:
    """Asset managers and administrators write; one of them whose token does not allow it
    (read-only, or an administrator's without the admin scope) is refused (403); anyone
    else finds nothing to write (404, as for an absent asset)."""
    if selectors.can_write(actor):
        return
    user = actor.user
    if user is not None and (
        user.is_superuser or user.has_role(Role.ADMIN) or user.has_role(Role.ASSET_MANAGER)
    ):
        raise PermissionDenied(_("This token may not change assets."))
    raise NotFound()


def _new(actor: Actor, values: dict[str, Any]) -> Asset:
    """A checked, unsaved asset (the import path shares it)."""
    status = values.pop("status", Status.ON_ORDER) or Status.ON_ORDER
    if status not in CREATE_STATES:
        raise ValidationFailed.one("status", _("a new asset is on_order or in_stock"))
    reject_unknown(values, EDITABLE)
    for required in ("asset_tag", "serial_number", "model"):
        if values.get(required) in (None, ""):
            raise ValidationFailed.one(required, _("required"))
    # by id (the web form's picker) or by name, as an edit takes it
    where = validation.location(actor, "location", values.pop("location", None))
    clean = clean_fields(actor, values, None)
    return Asset(status=status, location=where, **clean)


@contextmanager
def _unique_tag_and_serial() -> Iterator[None]:
    """A write that lost a race for its tag or serial is the 422 ``unique`` gives."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        refusal = validation.taken(exc)
        if refusal is None:
            raise
        raise refusal from None


@transaction.atomic
def asset_create(actor: Actor, **values: Any) -> Asset:
    """Record an asset (on order or in stock); tag and serial unique; audited."""
    require_write(actor)
    asset = _new(actor, dict(values))
    asset.number = next_number("AST")
    with _unique_tag_and_serial():
        asset.save()
    audit.record(actor, asset, action=AuditAction.CREATE, after=audit.snapshot(asset, AUDITED))
    outbox.emit("asset.created", asset, number=asset.number)
    return asset


RULES = RecordRules(
    editable=EDITABLE | {"status"}, audited=AUDITED, terminal=TERMINAL_STATES, event="asset.updated"
)


@transaction.atomic
def asset_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Asset:
    """Change fields and/or move the status along ASSET_FLOW (409 lists the allowed states;
    disposal needs a completed disposition record)."""
    events: list[str] = []

    def load() -> Asset:
        require_write(actor)
        return selectors.asset_for_update(actor, number=number)

    def clean(asset: Asset, values: dict[str, Any]) -> dict[str, Any]:
        values = dict(values)
        target = values.pop("status", None)
        if target is not None and not isinstance(target, str):
            raise ValidationFailed.one("status", _("a status name"))
        if values.get("stock_room") and (
            target not in (None, asset.status, Status.IN_STOCK)
            or (target or asset.status) == Status.DEPLOYED
        ):
            # received or returned into a room; one going elsewhere leaves its room, and a
            # deployed one is with its person or location, in no room (its check-out
            # cleared it): a room named for it alone, or beside "deployed", is refused
            raise ValidationFailed.one("stock_room", _("only with a move into stock"))
        if "location" in values and selectors.checked_out(asset):
            # a checked-out asset is where its check-out says: moving it is a new check-out,
            # so the history keeps where it was and when
            raise ValidationFailed.one(
                "location", _("the asset is checked out: check it out again to move it")
            )
        # by id (the web form's picker) or by name (an API client's "Berlin office")
        moved = "location" in values
        where = validation.location(actor, "location", values.pop("location", None))
        cleaned = clean_fields(actor, values, asset)
        if moved:
            cleaned["location"] = where
        if target is not None and target != asset.status:
            cleaned["status"] = target
        return cleaned

    def apply(asset: Asset, cleaned: dict[str, Any]) -> None:
        cleaned = dict(cleaned)
        target = cleaned.pop("status", None)
        for name, value in cleaned.items():
            setattr(asset, name, value)
        if target is not None:
            events.extend(lifecycle.move(actor, asset, target))

    with _unique_tag_and_serial():
        done = record_update(
            actor,
            load=load,
            rules=RULES,
            expected_version=expected_version,
            changes=changes,
            clean=clean,
            apply=apply,
        )
    lifecycle.emit(done.record, events)
    return done.record


@transaction.atomic
def asset_check_out(
    actor: Actor,
    *,
    number: str,
    person: str | None = None,
    location: Any = None,
    due_back: Any = None,
) -> Assignment:
    """Hand an asset to a person and/or a location; an asset in stock is deployed by it.
    ``due_back`` makes it a loan: the day it is to come back (today or later)."""
    require_write(actor)
    asset = selectors.asset_for_update(actor, number=number)
    if person in (None, "") and location in (None, ""):
        raise ValidationFailed.one("person", _("a person or a location"))
    back = date("due_back", due_back)
    if back is not None and back < timezone.localdate() and not actor.is_system:
        # the system may record a loan already due (demo data, a move from another tool)
        raise ValidationFailed.one("due_back", _("today or later"))
    who = ref(
        core_selectors.user_visible(actor).filter(is_active=True),
        "person",
        person,
        key="username",
        label="person",
        actor=actor,
    )
    where = ref(
        core_selectors.location_visible(actor),
        "location",
        location,
        key="pk",
        label="location",
        actor=actor,
    )
    refused = selectors.check_out_refusal(asset)  # the page offers Check out by the same rule
    if refused is not None:
        raise Conflict(refused)
    before = audit.snapshot(asset, AUDITED)
    events = (
        lifecycle.move(actor, asset, Status.DEPLOYED, holder=True)
        if asset.status != Status.DEPLOYED
        else []
    )
    asset.assignee, asset.location = who, where
    bump_version(asset, MOVED)
    assignment = Assignment.objects.create(
        asset=asset,
        person=who,
        location=where,
        checked_out_at=timezone.now(),
        checked_out_by=actor.user,
        due_back=back,
    )
    audit.record(actor, asset, before=before, after=audit.snapshot(asset, AUDITED))
    outbox.emit("asset.checked_out", asset, **lifecycle.event_payload(asset))
    lifecycle.emit(asset, events)
    return assignment


@transaction.atomic
def asset_check_in(actor: Actor, *, number: str, stock_room: str | None = None) -> Asset:
    """Take a deployed asset back into stock (optionally into a stock room)."""
    require_write(actor)
    asset = selectors.asset_for_update(actor, number=number)
    if asset.status != Status.DEPLOYED:
        raise Conflict(_("Only a deployed asset can be checked in."))
    room = clean_fields(actor, {"stock_room": stock_room}, asset)["stock_room"]
    before = audit.snapshot(asset, AUDITED)
    events = lifecycle.move(actor, asset, Status.IN_STOCK)
    asset.stock_room = room
    bump_version(asset, MOVED)
    audit.record(actor, asset, before=before, after=audit.snapshot(asset, AUDITED))
    lifecycle.emit(asset, events)
    return asset
