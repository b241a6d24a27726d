"""Requestable assets: a catalogue task whose template names the ``asset.assign`` action
(docs/assets.md#requestable-assets) hands the requester an in-stock asset when the asset
manager completes it. The catalogue runs the action in its own transaction (its
``services/fulfilment.py``), so a refusal here leaves the task open with the reason.

The request's answers say what: ``model`` (a model as "Manufacturer Model") or
``category`` (a category's name), and ``return_by`` (a date: a loan, due back then)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from steward.assets import selectors
from steward.assets.choices import Status
from steward.assets.models import Asset, AssetModel, Category
from steward.assets.services.assets import asset_check_out
from steward.assets.services.validation import date
from steward.core.actor import Actor
from steward.core.errors import Conflict, PermissionDenied, ValidationFailed

ACTION = "asset.assign"


def _wanted(answers: dict[str, Any]) -> Q:
    """Assets of the model or category the requester chose."""
    model = str(answers.get("model") or "").strip().lower()
    if model:
        for found in AssetModel.objects.all():
            if str(found).lower() == model:
                return Q(model=found)
        raise Conflict(
            _("No asset model is called %(value)s: fix the item's choices.")
            % {"value": repr(answers["model"])}
        )
    category = str(answers.get("category") or "").strip()
    if category:
        found = Category.objects.filter(name__iexact=category).first()
        if found is None:
            raise Conflict(
                _("No asset category is called %(category)s: fix the item's choices.")
                % {"category": repr(category)}
            )
        return Q(model__category=found)
    raise ValidationFailed.one("model", _("the request names no model or category"))


def asset_request_fulfil(actor: Actor, fulfilment: Any) -> str:
    """Check out the in-stock asset of the chosen model or category that has waited longest
    (of the requester's organisation or of none) to the requester, as a loan when the
    request asked for one; returns the line the task's notes keep."""
    if not selectors.can_write(actor):
        raise PermissionDenied(_("An asset manager completes this task: it hands out an asset."))
    answers = fulfilment.answers
    due_back = date("return_by", answers.get("return_by"))
    org = fulfilment.organisation_id
    candidates = (
        selectors.asset_visible(actor)
        .filter(_wanted(answers), status=Status.IN_STOCK)
        .filter(Q(organisation__isnull=True) | Q(organisation_id=org))
        .order_by("id")
    )
    asset: Asset | None = candidates.first()
    if asset is None:
        raise Conflict(
            _("Nothing of this kind is in stock: receive one into stock, then complete the task.")
        )
    person = fulfilment.requester.username
    asset_check_out(actor, number=asset.number, person=person, due_back=due_back)
    loan = f", due back {due_back.isoformat()}" if due_back else ""
    return f"Checked out {asset.number} ({asset.asset_tag}, {asset.model}) to {person}{loan}."
