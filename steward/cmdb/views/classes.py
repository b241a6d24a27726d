"""CI classes in the web: every agent reads them; administrators add and edit them (names,
parent, attribute schema, identification keys) through the class services, each form
saved by ``web.forms.submit`` (303 on success, the form again with 422 otherwise)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from steward.cmdb import selectors, services
from steward.cmdb.forms import BLANK_ROWS, CIClassForm
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.web.forms import submit

FORM = "cmdb/class_form.html"


def _admin(actor: Actor) -> None:
    if not actor.is_agent:
        raise NotFound()
    if not selectors.ci_capabilities(actor).can_edit_classes:
        raise HttpForbidden


def _form(data: Any = None, *, initial: Any = None, rows: int = BLANK_ROWS) -> CIClassForm:
    tree = selectors.class_tree()
    ordered = sorted(tree.by_slug.values(), key=lambda c: c.name)
    return CIClassForm(data, initial=initial, parents=ordered, classes=ordered, rows=rows)


@login_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    """Every class with its parent and how many attributes it adds; agents only."""
    actor = request.actor
    if not actor.is_agent:
        raise NotFound()
    tree = selectors.class_tree()
    rows = [
        (cls, tree.by_id.get(cls.parent_id), len(tree.schema(cls)))
        for cls in sorted(tree.by_slug.values(), key=lambda c: c.name)
    ]
    context = {
        "rows": rows,
        "can": selectors.ci_capabilities(actor),
        "types": selectors.relationship_types(),
    }
    return render(request, "cmdb/class_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    _admin(actor)
    if request.method == "GET":
        form = _form(initial={"parent": request.GET.get("parent", ""), "is_active": True})
        return render(request, FORM, {"form": form, "ci_class": None})

    def save(f: CIClassForm) -> Any:
        values = f.values()
        values.pop("is_active")
        return services.ci_class_create(actor, **values)

    return submit(
        request,
        _form(request.POST),
        save,
        success=lambda cls: reverse("cmdb:class_edit", args=[cls.slug]),
        template=FORM,
        context={"ci_class": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a class; saved, the form comes back with "Saved."; a stale version keeps the
    input and offers a reload."""
    actor = request.actor
    current = selectors.ci_class_get(actor, slug=slug)  # absent: the 404 page
    _admin(actor)
    if request.method == "GET":
        initial = CIClassForm.initial_for(current, current.parent_slug)
        context = {
            "ci_class": current,
            "saved": request.GET.get("saved") == "1",
            "form": _form(initial=initial, rows=initial["rows"]),
        }
        return render(request, FORM, context)
    return submit(
        request,
        _form(request.POST),
        lambda f: services.ci_class_update(
            actor, slug=slug, expected_version=f.cleaned_data["version"], changes=f.values()
        ),
        success=lambda cls: f"{reverse('cmdb:class_edit', args=[cls.slug])}?saved=1",
        template=FORM,
        context={"ci_class": current},
    )
