"""One asset: its page (facts, money, contracts, check-out history, disposition, history),
a new asset, and the forms that move it (status, check-out, check-in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.assets import selectors, services
from steward.assets.choices import Status
from steward.assets.forms import (
    AssetEditForm,
    AssetForm,
    CheckInForm,
    CheckOutForm,
    CustodyForm,
    DispositionForm,
    EvidenceForm,
    MoveForm,
    ReceiveForm,
)
from steward.assets.views.common import reader
from steward.assets.workflow import disposition_missing
from steward.core.errors import PermissionDenied
from steward.web.forms import submit

PAGE = "assets/detail.html"
EDIT = "assets/edit.html"


def detail_context(actor: Any, number: str, **forms: Any) -> dict[str, Any]:
    asset = selectors.asset_get(actor, number=number)
    caps = selectors.asset_capabilities(actor, asset)
    record = selectors.disposition_of(asset)
    today = timezone.localdate()
    rooms = selectors.stock_room_visible(actor)
    initial = {}
    if record is not None:
        initial = {
            name: getattr(record, name)
            for name in (
                "method",
                "sanitisation",
                "vendor",
                "certificate_number",
                "certificate_date",
            )
        }
    context = {
        "asset": asset,
        "caps": caps,
        "timeline": selectors.asset_timeline(actor, asset),
        "assignments": list(asset.assignments.all()),
        "value": selectors.book_value(asset, today),
        "schedule": selectors.depreciation_schedule(asset),
        "tco": selectors.total_cost_of_ownership(asset),
        "contracts": selectors.contracts_of_asset(actor, asset),
        "disposition": record,
        "missing": disposition_missing(asset) if record is not None else [],
        "steps": selectors.custody_steps(record),
        "today": today,
        "checkout_form": CheckOutForm(),
        "checkin_form": CheckInForm(rooms=rooms),
        # asked only of an ordered asset ("Receive into stock"), from the rooms read once
        "receive_form": ReceiveForm(
            rooms=rooms,
            initial={"stock_room": asset.stock_room.slug if asset.stock_room else ""},
        )
        if asset.status == Status.ON_ORDER
        else None,
        "disposition_form": DispositionForm(initial=initial),
        "custody_form": CustodyForm(),
        "evidence_form": EvidenceForm(),
    }
    context.update(forms)
    return context


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = reader(request)
    return render(request, PAGE, detail_context(actor, number))


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    choices = {
        "models": selectors.model_visible(actor),
        "rooms": selectors.stock_room_visible(actor),
    }
    if request.method == "GET":
        return render(request, "assets/new.html", {"form": AssetForm(**choices)})
    form = AssetForm(request.POST, **choices)
    return submit(
        request,
        form,
        lambda f: services.asset_create(actor, **f.cleaned_data),
        success=lambda asset: reverse("assets:detail", args=[asset.number]),
        template="assets/new.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit an asset's facts; a stale version keeps what was typed and offers a reload
    (Post/Redirect/Get: success is a 303 to the asset's page)."""
    actor = reader(request)
    asset = selectors.asset_get(actor, number=number)  # absent or invisible: the 404 page
    if not selectors.asset_capabilities(actor, asset).can_edit:
        raise PermissionDenied(
            gettext("Only asset managers edit assets, and a disposed one no more.")
        )
    if request.method == "GET":
        return render(request, EDIT, {"form": AssetEditForm.for_asset(asset), "asset": asset})
    form = AssetEditForm(request.POST)
    return submit(
        request,
        form,
        lambda f: services.asset_update(
            actor, number=number, expected_version=f.cleaned_data["version"], changes=f.changes()
        ),
        success=reverse("assets:detail", args=[number]),
        template=EDIT,
        context={"asset": asset},
    )


def _on_page(request: HttpRequest, number: str, form_name: str, form: Any, save) -> HttpResponse:
    """Save a form of the asset page; a refusal shows the page again with the form's errors."""
    actor = request.actor
    return submit(
        request,
        form,
        save,
        success=reverse("assets:detail", args=[number]),
        template=PAGE,
        context=lambda f: {
            k: v for k, v in detail_context(actor, number).items() if k != form_name
        },
        form_name=form_name,
    )


@login_required
@require_POST
def move(request: HttpRequest, number: str) -> HttpResponse:
    """A status move offered by the page (the workflow decides; 409 becomes a form error)."""
    actor = reader(request)
    form = MoveForm(request.POST)
    return _on_page(
        request,
        number,
        "move_form",
        form,
        lambda f: services.asset_update(
            actor,
            number=number,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(),
        ),
    )


@login_required
@require_POST
def check_out(request: HttpRequest, number: str) -> HttpResponse:
    actor = reader(request)
    form = CheckOutForm(request.POST)
    return _on_page(
        request,
        number,
        "checkout_form",
        form,
        lambda f: services.asset_check_out(
            actor,
            number=number,
            person=f.cleaned_data["person"] or None,
            location=f.cleaned_data["location"] or None,
            due_back=f.cleaned_data["due_back"],
        ),
    )


@login_required
@require_POST
def check_in(request: HttpRequest, number: str) -> HttpResponse:
    actor = reader(request)
    form = CheckInForm(request.POST, rooms=selectors.stock_room_visible(actor))
    return _on_page(
        request,
        number,
        "checkin_form",
        form,
        lambda f: services.asset_check_in(
            actor, number=number, stock_room=f.cleaned_data["stock_room"] or None
        ),
    )


@login_required
@require_POST
def disposition(request: HttpRequest, number: str) -> HttpResponse:
    actor = reader(request)
    form = DispositionForm(request.POST)
    return _on_page(
        request,
        number,
        "disposition_form",
        form,
        lambda f: services.disposition_update(actor, number=number, **f.cleaned_data),
    )


@login_required
@require_POST
def custody(request: HttpRequest, number: str) -> HttpResponse:
    actor = reader(request)
    form = CustodyForm(request.POST)
    return _on_page(
        request,
        number,
        "custody_form",
        form,
        lambda f: services.custody_step_add(actor, number=number, **f.cleaned_data),
    )


@login_required
@require_POST
def evidence(request: HttpRequest, number: str) -> HttpResponse:
    actor = reader(request)
    form = EvidenceForm(request.POST, request.FILES)

    def save(f: EvidenceForm) -> Any:
        upload = f.cleaned_data["file"]
        return services.disposition_evidence_add(
            actor, number=number, upload=upload, filename=upload.name, size=upload.size
        )

    return _on_page(request, number, "evidence_form", form, save)
