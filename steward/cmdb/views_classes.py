"""CI classes in the web: every agent reads them; administrators add and edit them (names,
parent, attribute schema, identification keys) through the class services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from steward.cmdb import classes, selectors
from steward.cmdb.forms import BLANK_ROWS, CIClassForm
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound, StaleVersion
from steward.web.pages import web_actor as _actor


def _admin(actor: Actor) -> None:
    if not actor.is_agent:
        raise Http404
    if not actor.is_admin:
        raise HttpForbidden


def _form(data: Any = None, *, initial: Any = None, rows: int = BLANK_ROWS) -> CIClassForm:
    tree = selectors.class_tree()
    ordered = sorted(tree.by_slug.values(), key=lambda c: c.name)
    return CIClassForm(data, initial=initial, parents=ordered, classes=ordered, rows=rows)


@login_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    """Every class with its parent and how many attributes it adds; agents only."""
    actor = _actor(request)
    if not actor.is_agent:
        raise Http404
    tree = selectors.class_tree()
    rows = [
        (cls, tree.by_id.get(cls.parent_id), len(tree.schema(cls)))
        for cls in sorted(tree.by_slug.values(), key=lambda c: c.name)
    ]
    context = {"rows": rows, "can_edit": actor.is_admin, "types": selectors.relationship_types()}
    return render(request, "cmdb/class_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _admin(actor)
    if request.method == "GET":
        form = _form(initial={"parent": request.GET.get("parent", ""), "is_active": True})
        return render(request, "cmdb/class_form.html", {"form": form, "ci_class": None})
    form = _form(request.POST)
    status = 422
    if form.is_valid():
        values = form.values()
        values.pop("is_active")
        try:
            cls = classes.ci_class_create(actor, **values)
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
            status = exc.status
        else:
            return redirect("cmdb:class_edit", slug=cls.slug)
    return render(request, "cmdb/class_form.html", {"form": form, "ci_class": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    try:
        current = selectors.ci_class_get(actor, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    _admin(actor)
    context: dict[str, Any] = {"ci_class": current, "saved": request.GET.get("saved") == "1"}
    if request.method == "GET":
        initial = CIClassForm.initial_for(current, current.parent_slug)
        context["form"] = _form(initial=initial, rows=initial["rows"])
        return render(request, "cmdb/class_form.html", context)
    form = _form(request.POST)
    status = 422
    if form.is_valid():
        try:
            cls = classes.ci_class_update(
                actor,
                slug=slug,
                expected_version=form.cleaned_data["version"],
                changes=form.values(),
            )
        except StaleVersion as exc:
            form.add_error(
                None,
                f"Another administrator changed this class (now version {exc.current}); "
                "your input is kept below. Reload the page to see their change first.",
            )
            status = exc.status
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
            status = exc.status
        else:
            return redirect(f"{reverse('cmdb:class_edit', args=[cls.slug])}?saved=1")
    context["form"] = form
    return render(request, "cmdb/class_form.html", context, status=status)
