"""The asset lifecycle, declared once: services enforce it, pages draw buttons from it.

``on_order → in_stock → deployed → in_repair → retired → disposed``, with the way back from
a deployment to stock (a check-in) and from repair. Disposal is guarded: an asset reaches
``disposed`` only with a completed disposition record (DESIGN §3).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steward.assets.choices import Status
from steward.core.workflow import Transition, Workflow


def disposition_missing(asset: Any) -> list[str]:
    """What the asset's disposition record still lacks, in the reader's language (a German
    page read "Vor der Entsorgung fehlt noch: method, vendor"); empty when it is complete."""
    record = getattr(asset, "disposition", None) if asset.pk else None
    if record is None:
        return [gettext("a disposition record")]
    missing = []
    if not record.method:
        missing.append(gettext("method"))
    if not record.vendor:
        missing.append(gettext("vendor"))
    if not record.certificate_number:
        missing.append(gettext("certificate number"))
    if record.certificate_date is None:
        missing.append(gettext("certificate date"))
    if asset.holds_data and not record.sanitisation:
        missing.append(gettext("sanitisation level (the device held data)"))
    return missing


def _disposable(asset: Any, data: Any) -> str | None:
    missing = disposition_missing(asset)
    if missing:
        return gettext(
            "cannot dispose before the disposition record is complete: needs %(missing)s"
        ) % {"missing": ", ".join(missing)}
    return None


_S = Status
ASSET_FLOW = Workflow(
    states=tuple(Status.values),
    transitions=[
        Transition(_S.ON_ORDER, _S.IN_STOCK, label=_("Receive into stock")),
        Transition(_S.IN_STOCK, _S.DEPLOYED, label=_("Deploy")),
        Transition(_S.IN_STOCK, _S.IN_REPAIR, label=_("Send to repair")),
        Transition(_S.IN_STOCK, _S.RETIRED, label=_("Retire")),
        Transition(_S.DEPLOYED, _S.IN_STOCK, label=_("Return to stock")),
        Transition(_S.DEPLOYED, _S.IN_REPAIR, label=_("Send to repair")),
        Transition(_S.DEPLOYED, _S.RETIRED, label=_("Retire")),
        Transition(_S.IN_REPAIR, _S.DEPLOYED, label=_("Back from repair")),
        Transition(_S.IN_REPAIR, _S.IN_STOCK, label=_("Repaired, to stock")),
        Transition(_S.IN_REPAIR, _S.RETIRED, label=_("Retire")),
        Transition(_S.RETIRED, _S.DISPOSED, guard=_disposable, label=_("Dispose")),
    ],
)
