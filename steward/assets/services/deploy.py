"""The CMDB side of a deployment: the CI that represents the asset, matched by its serial
number or asset tag among the CIs the actor may see, or created (through the CMDB's own
service, so its class rules, identifiers, audit and events apply)."""

from __future__ import annotations

from typing import Any

from steward.assets.models import Asset
from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb import services as cmdb_services
from steward.core.actor import Actor

# identification keys an asset's values are matched on, in order
MATCH_KEYS = (("serial_number", "serial_number"), ("asset_tag", "asset_tag"))


def match_ci(actor: Actor, asset: Asset) -> Any:
    """The one visible CI whose identifier equals the asset's serial (or tag); None when
    there is none, or more than one (a person must choose, not a guess)."""
    visible = cmdb_selectors.ci_visible(actor)
    for key, attr in MATCH_KEYS:
        value = (getattr(asset, attr) or "").strip().lower()
        if not value:
            continue
        found = list(visible.filter(identifiers__key=key, identifiers__value=value).distinct()[:2])
        if len(found) == 1:
            return found[0]
    return None


def link_ci(actor: Actor, asset: Asset) -> Any:
    """Set ``asset.configuration_item`` on deploy: kept if set, else matched, else created
    when the asset's category names a CMDB class; None when not tracked in the CMDB."""
    if asset.configuration_item_id is not None:
        return asset.configuration_item
    ci = match_ci(actor, asset)
    category = asset.model.category
    if ci is None and category.ci_class:
        extra = {"organisation": asset.organisation.slug} if asset.organisation_id else {}
        ci = cmdb_services.ci_create(
            actor,
            name=f"{asset.asset_tag} ({asset.model})"[:200],
            ci_class=category.ci_class,
            attributes={"serial_number": asset.serial_number},
            **extra,
        )
    asset.configuration_item = ci
    return ci
