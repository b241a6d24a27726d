"""Contracts and warranties: create, change, and the expiry reminders the worker sends.

A reminder is sent once per contract and threshold (90, 30, 7 days before the end): the
``ContractReminder`` row is inserted in the same transaction as the outbox event, under a
unique constraint, so a retried run or a second worker inserts nothing and emits nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from steward.assets import selectors
from steward.assets.choices import REMINDER_DAYS, ContractKind
from steward.assets.models import Contract, ContractReminder
from steward.assets.services.assets import require_write
from steward.assets.services.validation import date, money, ref, text
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import NotFound, ValidationFailed
from steward.core.numbering import next_number
from steward.core.services.common import reject_unknown
from steward.core.services.records import RecordRules, record_update

EDITABLE = {"title", "vendor", "kind", "start_date", "end_date", "cost", "owner_team", "assets"}
AUDITED = sorted((EDITABLE - {"assets"}) | {"number"})


def _clean(actor: Actor, values: dict[str, Any], contract: Contract | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name in ("title", "vendor"):
        if name in values:
            clean[name] = text(name, values[name], required=True)[:200]
    if "kind" in values:
        if values["kind"] not in ContractKind.values:
            raise ValidationFailed.one(
                "kind", _("one of %(value)s") % {"value": ", ".join(ContractKind.values)}
            )
        clean["kind"] = values["kind"]
    for name in ("start_date", "end_date"):
        if name in values:
            clean[name] = date(name, values[name])
            if clean[name] is None:
                raise ValidationFailed.one(name, _("required"))
    if "cost" in values:
        clean["cost"] = money("cost", values["cost"] if values["cost"] is not None else 0)
    if "owner_team" in values:
        clean["owner_team"] = ref(
            core_selectors.team_visible(actor),
            "owner_team",
            values["owner_team"],
            key="slug",
            label="team",
        )
    start = clean.get("start_date", getattr(contract, "start_date", None))
    end = clean.get("end_date", getattr(contract, "end_date", None))
    if start and end and end < start:
        raise ValidationFailed.one("end_date", _("may not be before the start date"))
    if "assets" in values:
        numbers = values["assets"] or []
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise ValidationFailed.one("assets", _("a list of asset numbers"))
        wanted = {n.strip().upper() for n in numbers}
        found = list(selectors.asset_visible(actor).filter(number__in=wanted))
        missing = wanted - {a.number for a in found}
        if missing:
            raise ValidationFailed.one(
                "assets", _("no asset %(value)s") % {"value": repr(sorted(missing)[0])}
            )
        if contract is not None:
            # the list names the assets the actor may see: those of organisations they do
            # not serve stay covered (a limited manager's list dropped them unseen)
            hidden = contract.assets.exclude(pk__in=selectors.asset_visible(actor).values("pk"))
            found += list(hidden)
        clean["assets"] = found
    return clean


@transaction.atomic
def contract_create(actor: Actor, **values: Any) -> Contract:
    require_write(actor)
    reject_unknown(values, EDITABLE)
    for required in ("title", "vendor", "kind", "start_date", "end_date"):
        if values.get(required) in (None, ""):
            raise ValidationFailed.one(required, _("required"))
    clean = _clean(actor, values, None)
    assets = clean.pop("assets", [])
    contract = Contract.objects.create(number=next_number("CTR"), **clean)
    contract.assets.set(assets)
    audit.record(
        actor, contract, action=AuditAction.CREATE, after=audit.snapshot(contract, AUDITED)
    )
    outbox.emit("contract.created", contract, number=contract.number)
    return contract


def _covered(contract: Contract) -> dict[str, Any]:
    return {"assets": sorted(contract.assets.values_list("number", flat=True))}


def _apply(contract: Contract, clean: dict[str, Any]) -> None:
    clean = dict(clean)
    assets = clean.pop("assets", None)
    for name, value in clean.items():
        setattr(contract, name, value)
    if assets is not None:
        contract.assets.set(assets)


RULES = RecordRules(editable=EDITABLE, audited=AUDITED, event="contract.updated", related=_covered)


@transaction.atomic
def contract_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Contract:
    def load() -> Contract:
        require_write(actor)
        found = (
            selectors.contract_visible(actor)
            .select_for_update()
            .filter(number=str(number).upper())
            .first()
        )
        if found is None:
            raise NotFound()
        return found

    return record_update(
        actor,
        load=load,
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=lambda contract, values: _clean(actor, values, contract),
        apply=_apply,
    ).record


def _remind_once(contract: Contract, days: int) -> bool:
    """Insert the reminder row and the event together; False when it was already sent."""
    try:
        with transaction.atomic():
            ContractReminder.objects.create(contract=contract, days=days)
            outbox.emit(
                "contract.expiring",
                contract,
                number=contract.number,
                days=days,
                end_date=contract.end_date.isoformat(),
                team=contract.owner_team.slug if contract.owner_team_id else None,
            )
    except IntegrityError:
        return False  # another run got there first
    return True


def contract_reminders_send(actor: Actor, *, today: dt.date) -> int:
    """Remind each owner team 90, 30 and 7 days before its contracts end, once each; only
    the nearest threshold of a contract found late is sent (no 90-day mail a week before)."""
    if not actor.is_system:
        require_write(actor)
    sent = 0
    for days in sorted(REMINDER_DAYS):
        for contract in selectors.contracts_due(today, days).select_related("owner_team"):
            nearer = [
                d for d in REMINDER_DAYS if d < days and (contract.end_date - today).days <= d
            ]
            if nearer:
                continue
            if _remind_once(contract, days):
                sent += 1
    return sent
