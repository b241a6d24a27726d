"""The asset managers' reference data: categories (what a kind of hardware depreciates by)
and models (make, model, category, warranty term). Lists, new and edit pages; every save
goes through ``web.forms.submit`` (303 on success, the form again with 422 otherwise)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from steward.assets import selectors, services
from steward.assets.forms import AssetModelForm, CategoryForm
from steward.assets.views.common import reader
from steward.core.actor import Actor
from steward.web.forms import submit
from steward.web.pages import require_manager

CATEGORY_FORM = "assets/category_form.html"
MODEL_FORM = "assets/model_form.html"


def _writer(request: HttpRequest) -> Actor:
    """Readers who may not write see the lists; the forms are refused them (403)."""
    return require_manager(
        request.actor,
        can_read=selectors.can_read,
        can_write=selectors.can_write,
        message=gettext("Only asset managers change categories and models."),
    )


@login_required
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    context = {
        "categories": selectors.category_list(actor),
        "can_write": selectors.can_write(actor),
    }
    return render(request, "assets/categories.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    actor = _writer(request)
    classes = selectors.ci_class_choices(actor)
    if request.method == "GET":
        form = CategoryForm(classes=classes)
        return render(request, CATEGORY_FORM, {"form": form, "category": None})
    return submit(
        request,
        CategoryForm(request.POST, classes=classes),
        lambda f: services.category_create(actor, **f.values()),
        success=reverse("assets:categories"),
        template=CATEGORY_FORM,
        context={"category": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = reader(request)
    category = selectors.category_get(actor, slug=slug)  # absent: the 404 page
    _writer(request)
    example = selectors.category_example_schedule(category)
    context = {"category": category, "example": example}
    initial = CategoryForm.initial_for(category)
    classes = selectors.ci_class_choices(actor)
    if request.method == "GET":
        form = CategoryForm(initial=initial, classes=classes)
        return render(request, CATEGORY_FORM, {"form": form, **context})
    return submit(
        request,
        CategoryForm(request.POST, initial=initial, classes=classes),
        lambda f: services.category_update(
            actor, slug=slug, changes=f.changes(), expected_version=f.cleaned_data["version"]
        ),
        success=reverse("assets:categories"),
        template=CATEGORY_FORM,
        context=context,
    )


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    context = {"models": selectors.model_list(actor), "can_write": selectors.can_write(actor)}
    return render(request, "assets/models.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def model_new(request: HttpRequest) -> HttpResponse:
    actor = _writer(request)
    categories = selectors.category_visible(actor)
    if request.method == "GET":
        form = AssetModelForm(
            categories=categories, initial={"category": request.GET.get("category", "")}
        )
        return render(request, MODEL_FORM, {"form": form, "model": None})
    return submit(
        request,
        AssetModelForm(request.POST, categories=categories),
        lambda f: services.model_create(actor, **f.values()),
        success=reverse("assets:models"),
        template=MODEL_FORM,
        context={"model": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = reader(request)
    model = selectors.model_get(actor, pk=pk)
    _writer(request)
    categories = selectors.category_visible(actor)
    context = {"model": model, "example": selectors.category_example_schedule(model.category)}
    if request.method == "GET":
        form = AssetModelForm(categories=categories, initial=AssetModelForm.initial_for(model))
        return render(request, MODEL_FORM, {"form": form, **context})
    return submit(
        request,
        AssetModelForm(request.POST, categories=categories),
        lambda f: services.model_update(
            actor, pk=pk, changes=f.changes(), expected_version=f.cleaned_data["version"]
        ),
        success=reverse("assets:models"),
        template=MODEL_FORM,
        context=context,
    )
