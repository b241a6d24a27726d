"""Disposition records: method, NIST SP 800-88 sanitisation, vendor, certificate, evidence
and the chain of custody. Only a retired asset's record may be written; a disposed asset's
record is final."""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from steward.assets import selectors
from steward.assets.choices import DispositionMethod, Sanitisation, Status
from steward.assets.models import Asset, CustodyStep, Disposition
from steward.assets.services.assets import require_write
from steward.assets.services.validation import date, text
from steward.core import audit, outbox
from steward.core import services as core_services
from steward.core.actor import Actor
from steward.core.errors import Conflict, ValidationFailed
from steward.core.services.common import reject_unknown

FIELDS = {"method", "sanitisation", "vendor", "certificate_number", "certificate_date"}


def _open(actor: Actor, number: str) -> tuple[Asset, Disposition]:
    require_write(actor)
    asset = selectors.asset_for_update(actor, number=number)
    if asset.status != Status.RETIRED:
        raise Conflict(gettext("Only a retired asset's disposition can be recorded."))
    record, _ = Disposition.objects.get_or_create(asset=asset)
    return asset, record


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "method" in values:
        if values["method"] not in ("", *DispositionMethod.values):
            raise ValidationFailed.one(
                "method",
                gettext("one of %(value)s") % {"value": ", ".join(DispositionMethod.values)},
            )
        clean["method"] = values["method"]
    if "sanitisation" in values:
        if values["sanitisation"] not in ("", *Sanitisation.values):
            raise ValidationFailed.one(
                "sanitisation",
                gettext("one of %(values)s (NIST SP 800-88)")
                % {"values": ", ".join(Sanitisation.values)},
            )
        clean["sanitisation"] = values["sanitisation"]
    if "vendor" in values:
        clean["vendor"] = text("vendor", values["vendor"])[:120]
    if "certificate_number" in values:
        clean["certificate_number"] = text("certificate_number", values["certificate_number"])[:80]
    if "certificate_date" in values:
        clean["certificate_date"] = date("certificate_date", values["certificate_date"])
        if clean["certificate_date"] and clean["certificate_date"] > timezone.localdate():
            raise ValidationFailed.one("certificate_date", gettext("may not be in the future"))
    return clean


@transaction.atomic
def disposition_update(actor: Actor, *, number: str, **values: Any) -> Disposition:
    """Record what was done with a retired asset; audited on the asset."""
    reject_unknown(values, FIELDS)
    asset, record = _open(actor, number)
    clean = _clean(values)
    before = audit.snapshot(record, sorted(FIELDS))
    for name, value in clean.items():
        setattr(record, name, value)
    record.save()
    audit.record(actor, asset, before=before, after=audit.snapshot(record, sorted(FIELDS)))
    outbox.emit("asset.disposition_updated", asset, number=asset.number)
    return record


@transaction.atomic
def custody_step_add(
    actor: Actor, *, number: str, handed_from: str, handed_to: str, note: str = "", at: Any = None
) -> CustodyStep:
    """One hand-over in the chain of custody."""
    asset, record = _open(actor, number)
    step = CustodyStep.objects.create(
        disposition=record,
        at=at or timezone.now(),
        handed_from=text("handed_from", handed_from, required=True)[:120],
        handed_to=text("handed_to", handed_to, required=True)[:120],
        note=text("note", note)[:200],
        recorded_by=actor.user,
    )
    audit.record(actor, asset, after={"custody": f"{step.handed_from} → {step.handed_to}"})
    return step


@transaction.atomic
def disposition_evidence_add(
    actor: Actor, *, number: str, upload: IO[bytes], filename: str, size: int
) -> Disposition:
    """Attach the evidence (a certificate scan) to the asset and name it on the record."""
    asset, record = _open(actor, number)
    attachment = core_services.attachment_add(
        actor, target=f"asset/{asset.number}", upload=upload, filename=filename, size=size
    )
    record.evidence = attachment
    record.save(update_fields=["evidence"])
    return record
