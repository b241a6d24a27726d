"""Product and installation forms: asset managers and administrators record products (with
the rules that map discovered names to them), edit them, and enter installations by hand.
Every save goes through ``web.forms.submit`` (303 on success, 422 with the reasons)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from steward.core.errors import NotFound
from steward.software import selectors, services
from steward.software.forms import InstallationForm, ProductForm
from steward.software.views.licences import require_manager
from steward.web.forms import submit
from steward.web.pickers import set_label

PRODUCT_FORM = "software/product_form.html"
INSTALLATION_FORM = "software/installation_form.html"


def _to_product(product) -> str:
    return reverse("software:detail", args=[product.slug])


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    require_manager(actor)
    if request.method == "GET":
        return render(request, PRODUCT_FORM, {"form": ProductForm()})
    return submit(
        request,
        ProductForm(request.POST),
        lambda f: services.product_create(actor, **f.values()),
        success=_to_product,
        template=PRODUCT_FORM,
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a product; a stale version keeps what was typed and offers a reload."""
    actor = request.actor
    product = selectors.product_get(actor, slug=slug)  # absent or invisible: 404
    require_manager(actor)
    if request.method == "GET":
        form = ProductForm(initial=ProductForm.initial_for(product))
        return render(request, PRODUCT_FORM, {"form": form, "product": product})
    return submit(
        request,
        ProductForm(request.POST),
        lambda f: services.product_update(
            actor,
            slug=slug,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(),
        ),
        success=_to_product,
        template=PRODUCT_FORM,
        context={"product": product},
    )


@login_required
@require_http_methods(["GET", "POST"])
def installation_new(request: HttpRequest) -> HttpResponse:
    """An installation by hand; ``?product=<slug>`` (the product page's button) preselects."""
    actor = request.actor
    require_manager(actor)
    if request.method == "POST":
        return submit(
            request,
            InstallationForm(request.POST),
            lambda f: services.installation_create(
                actor,
                product=f.cleaned_data["product"],
                device=f.cleaned_data["device"],
                user=f.cleaned_data["user"] or None,
                cores=f.cleaned_data["cores"] or 0,
            ),
            success=lambda installation: _to_product(installation.product),
            template=INSTALLATION_FORM,
        )
    slug = request.GET.get("product", "")
    form = InstallationForm(initial={"product": slug})
    if slug:
        try:
            set_label(form, "product", str(selectors.product_get(actor, slug=slug)))
        except NotFound:
            form = InstallationForm()  # a stale link: an empty form
    return render(request, INSTALLATION_FORM, {"form": form})
