"""Licence forms: asset managers and administrators add and edit entitlements."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.software import selectors, services
from steward.software.forms import LicenceForm
from steward.web import pages
from steward.web.forms import submit
from steward.web.pickers import set_label

FORM = "software/licence_form.html"


def require_manager(actor: Actor) -> Actor:
    """Readers who may not manage software get the 403 page with the reason; others 404."""
    return pages.require_manager(
        actor,
        can_read=selectors.can_read,
        can_write=selectors.can_manage,
        message=gettext(services.MANAGE_REFUSED),
    )


def _organisations(actor: Actor) -> list:
    return list(core_selectors.organisation_visible(actor).order_by("name")[:500])


def _to_product(licence) -> str:
    return reverse("software:detail", args=[licence.product.slug])


@login_required
@require_http_methods(["GET", "POST"])
def licence_new(request: HttpRequest) -> HttpResponse:
    """A new licence; ``?product=<slug>`` (the product page's button) preselects it."""
    actor = request.actor
    require_manager(actor)
    orgs = _organisations(actor)
    if request.method == "POST":
        form = LicenceForm(request.POST, organisations=orgs)
        return submit(
            request,
            form,
            lambda f: services.licence_create(actor, **f.values()),
            success=_to_product,
            template=FORM,
        )
    form = LicenceForm(initial={"product": request.GET.get("product", "")}, organisations=orgs)
    slug = request.GET.get("product", "")
    if slug:
        try:
            set_label(form, "product", str(selectors.product_get(actor, slug=slug)))
        except NotFound:
            form = LicenceForm(organisations=orgs)  # a stale link: an empty form
    return render(request, FORM, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def licence_edit(request: HttpRequest, number: str) -> HttpResponse:
    actor = request.actor
    licence = selectors.licence_get(actor, number=number)
    require_manager(actor)
    orgs = _organisations(actor)
    if request.method == "POST":
        form = LicenceForm(request.POST, organisations=orgs)
        return submit(
            request,
            form,
            lambda f: services.licence_update(
                actor,
                number=licence.number,
                expected_version=f.cleaned_data.get("version"),
                changes=f.changes(licence),
            ),
            success=_to_product,
            template=FORM,
            context={"licence": licence},
        )
    initial = {
        name: getattr(licence, name)
        for name in ("metric", "term", "quantity", "cost", "start_date", "end_date")
    }
    initial.update(
        version=licence.version,
        product=licence.product.slug,
        purchase_order=licence.purchase_order,
        vendor=licence.vendor,
        notes=licence.notes,
        organisation=licence.organisation.slug if licence.organisation_id else "",
    )
    form = LicenceForm(initial=initial, organisations=orgs)
    set_label(form, "product", str(licence.product))
    return render(request, FORM, {"form": form, "licence": licence})
