"""Writing the CMDB from the web: CI create and edit forms built from the class's schema,
and relating CIs from the CI page (htmx). Administrators and asset managers only: others
never see the buttons, and get a 404 (requesters) or 403 (other agents) here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.cmdb import selectors, services
from steward.cmdb.choices import STATUS_COLOURS
from steward.cmdb.forms import ATTR, CIForm, RelationshipForm
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound, PermissionDenied, StaleVersion
from steward.web.pages import web_actor as _actor

MAX_PICKS = 100  # CIs offered per reference picker; the input also takes any number


def _writer(actor: Actor) -> None:
    """Requesters do not know the CMDB exists (404); other agents are refused (403)."""
    if not actor.is_agent:
        raise Http404
    if not services.can_write(actor):
        raise HttpForbidden


def _form(actor: Actor, class_slug: str, data: Any = None, initial: Any = None) -> CIForm:
    """A CI form for ``class_slug`` (none: no attribute fields yet) with its choices."""
    tree = selectors.class_tree()
    cls = tree.by_slug.get(class_slug or "")
    schema = tree.schema(cls) if cls is not None else {}
    pickers: dict[str, str] = {}
    for spec in schema.values():
        if spec["type"] == "reference":
            pickers.setdefault(
                spec.get("reference_class") or "", f"ci-{spec.get('reference_class') or 'any'}"
            )
    form = CIForm(
        data,
        initial=initial,
        classes=selectors.ci_class_list(actor),
        schema=schema,
        teams=core_selectors.team_list(actor, limit=200).items,
        organisations=core_selectors.organisation_visible(actor).order_by("name")[:200],
        pickers=pickers,
    )
    form.pickers = [
        (list_id, selectors.ci_list(actor, ci_class=ref, limit=MAX_PICKS).items)
        for ref, list_id in pickers.items()
    ]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def ci_new(request: HttpRequest) -> HttpResponse:
    """A new CI: choosing the class re-renders the attribute fields (htmx)."""
    actor = _actor(request)
    _writer(actor)
    if request.method == "GET":
        slug = request.GET.get("class", "")
        form = _form(actor, slug, initial={"ci_class": slug})
        return render(request, "cmdb/ci_form.html", {"form": form, "ci": None})
    form = _form(actor, request.POST.get("ci_class", ""), data=request.POST)
    status = 422
    if form.is_valid():
        try:
            ci = services.ci_create(actor, **form.values())
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
            status = exc.status
        else:
            return redirect("cmdb:ci_detail", number=ci.number)
    return render(request, "cmdb/ci_form.html", {"form": form, "ci": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ci_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit a CI; a stale version keeps the user's input and says what happened."""
    actor = _actor(request)
    try:
        ci = selectors.ci_get(actor, number=number)
    except NotFound as exc:
        raise Http404 from exc
    _writer(actor)
    if request.method == "GET":
        tree = selectors.class_tree()
        schema = tree.schema(tree.by_id[ci.ci_class_id])
        form = _form(actor, ci.ci_class.slug, initial=CIForm.initial_for(ci, schema))
        return render(request, "cmdb/ci_form.html", {"form": form, "ci": ci})
    form = _form(actor, request.POST.get("ci_class", ""), data=request.POST)
    status = 422
    if form.is_valid():
        try:
            services.ci_update(
                actor,
                number=number,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(ci),
            )
        except StaleVersion as exc:
            # keep every input; the next save applies it over the newer version
            data = request.POST.copy()
            data["version"] = str(exc.current)
            form = _form(actor, request.POST.get("ci_class", ""), data=data)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else changed {number} while you were editing (it is now version "
                f"{exc.current}). Your changes are kept below: check the current record, "
                "then save again to apply them over it.",
            )
            status = exc.status
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
            status = exc.status
        else:
            return redirect("cmdb:ci_detail", number=number)
    return render(request, "cmdb/ci_form.html", {"form": form, "ci": ci}, status=status)


@login_required
@require_GET
def attribute_fields(request: HttpRequest) -> HttpResponse:
    """The attribute inputs for the chosen class (a fragment), keeping values by name."""
    actor = _actor(request)
    _writer(actor)
    initial = {k: v for k, v in request.GET.items() if k.startswith(ATTR)}
    form = _form(actor, request.GET.get("ci_class", ""), initial=initial)
    return render(request, "cmdb/ci_form.html#attributes", {"form": form})


def _relationships_panel(
    request: HttpRequest, actor: Actor, ci: Any, form: RelationshipForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "ci": ci,
        "relationships": selectors.ci_relationships(actor, ci),
        "can_write": True,
        "rel_form": form or RelationshipForm(types=selectors.relationship_types()),
        "status_colours": STATUS_COLOURS,
    }
    return render(request, "cmdb/ci_detail.html#relationships", context, status=status)


@login_required
@require_POST
def relationship_add(request: HttpRequest, number: str) -> HttpResponse:
    """Relate this CI to another; htmx gets the refreshed relationships panel back."""
    actor = _actor(request)
    try:
        ci = selectors.ci_get(actor, number=number)
    except NotFound as exc:
        raise Http404 from exc
    _writer(actor)
    form = RelationshipForm(request.POST, types=selectors.relationship_types())
    status = 422
    if form.is_valid():
        other = form.cleaned_data["other"].strip().upper()
        ends = (number, other) if form.cleaned_data["direction"] == "out" else (other, number)
        try:
            services.relationship_create(
                actor, source=ends[0], target=ends[1], type=form.cleaned_data["type"]
            )
        except PermissionDenied as exc:
            raise HttpForbidden from exc
        except DomainError as exc:
            # the other CI is whichever end is not this one
            for name, messages in exc.fields.items():
                target = "other" if name in ("source", "target") else name
                for text in messages:
                    form.add_error(target if target in form.fields else None, text)
            if not exc.fields:
                form.add_error(None, exc.message)
            status = exc.status
        else:
            form, status = None, 200
    if not request.htmx:
        return redirect("cmdb:ci_detail", number=number)
    return _relationships_panel(request, actor, ci, form, status)


@login_required
@require_POST
def relationship_remove(request: HttpRequest, number: str, relationship_id: int) -> HttpResponse:
    """Remove one of this CI's relationships."""
    actor = _actor(request)
    try:
        ci = selectors.ci_get(actor, number=number)
        found = selectors.relationship_get(actor, relationship_id=relationship_id)
    except NotFound as exc:
        raise Http404 from exc
    if ci.id not in (found.source_id, found.target_id):
        raise Http404
    _writer(actor)
    services.relationship_delete(actor, relationship_id=relationship_id)
    if not request.htmx:
        return redirect("cmdb:ci_detail", number=number)
    return _relationships_panel(request, actor, ci, None)
