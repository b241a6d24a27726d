"""Writing the CMDB from the web: CI create and edit forms built from the class's schema,
and relating CIs from the CI page (htmx). Administrators and asset managers only: others
never see the buttons, and get a 404 (requesters) or 403 (other agents) here.

Every form is saved through ``web.forms.submit`` (decision 0010): 303 on success, the form
again with 422 and the reasons beside their fields otherwise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.cmdb import selectors, services
from steward.cmdb.forms import ATTR, CIForm, RelationshipForm
from steward.cmdb.views.cis import DETAIL, detail_context
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.web.forms import submit, wants_partial

FORM = "cmdb/ci_form.html"


def detail_url(number: str) -> str:
    return reverse("cmdb:detail", args=[number])


def _writer(actor: Actor, ci: Any = None) -> None:
    """Requesters do not know the CMDB exists (404); other agents are refused (403)."""
    if not actor.is_agent:
        raise NotFound()
    if not selectors.ci_capabilities(actor, ci).can_create:
        raise HttpForbidden


def _form(
    actor: Actor, class_slug: str, data: Any = None, initial: Any = None, ci: Any = None
) -> CIForm:
    """A CI form for ``class_slug`` (none: no attribute fields yet) with its choices; the
    statuses on offer are those ``ci``'s lifecycle allows (all for a new CI)."""
    tree = selectors.class_tree()
    cls = tree.by_slug.get(class_slug or "")
    schema = tree.schema(cls) if cls is not None else {}
    return CIForm(
        data,
        initial=initial,
        classes=selectors.ci_class_list(actor),
        schema=schema,
        # slugs and names kept under the teams stamp (team_list read every member too)
        teams=core_selectors.team_choices(actor, limit=200),
        organisations=core_selectors.organisation_visible(actor).order_by("name")[:200],
        statuses=selectors.ci_statuses(ci),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ci_new(request: HttpRequest) -> HttpResponse:
    """A new CI: choosing the class re-renders the attribute fields (htmx)."""
    actor = request.actor
    _writer(actor)
    if request.method == "GET":
        slug = request.GET.get("class", "")
        form = _form(actor, slug, initial={"ci_class": slug})
        return render(request, FORM, {"form": form, "ci": None})
    form = _form(actor, request.POST.get("ci_class", ""), data=request.POST)
    return submit(
        request,
        form,
        lambda f: services.ci_create(actor, **f.values()),
        success=lambda ci: detail_url(ci.number),
        template=FORM,
        context={"ci": None},
        aliases=form.aliases,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ci_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit a CI; a stale version keeps the user's input and offers a reload."""
    actor = request.actor
    ci = selectors.ci_get(actor, number=number)  # absent or invisible: the 404 page
    _writer(actor, ci)
    if request.method == "GET":
        tree = selectors.class_tree()
        schema = tree.schema(tree.by_id[ci.ci_class_id])
        form = _form(actor, ci.ci_class.slug, initial=CIForm.initial_for(ci, schema), ci=ci)
        return render(request, FORM, {"form": form, "ci": ci})
    form = _form(actor, request.POST.get("ci_class", ""), data=request.POST, ci=ci)
    return submit(
        request,
        form,
        lambda f: services.ci_update(
            actor,
            number=number,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(ci),
        ),
        success=detail_url(number),
        template=FORM,
        context={"ci": ci},
        aliases=form.aliases,
    )


@login_required
@require_GET
def attribute_fields(request: HttpRequest) -> HttpResponse:
    """The attribute inputs for the chosen class (a fragment), keeping values by name."""
    actor = request.actor
    _writer(actor)
    initial = {k: v for k, v in request.GET.items() if k.startswith(ATTR)}
    form = _form(actor, request.GET.get("ci_class", ""), initial=initial)
    return render(request, "cmdb/ci_form.html#attributes", {"form": form})


def _card(actor: Actor, ci: Any) -> dict[str, Any]:
    """What the relationships card shows, its forms fresh."""
    return {
        "ci": ci,
        "relationships": selectors.ci_relationships(actor, ci),
        "can": selectors.ci_capabilities(actor, ci),
        "rel_form": RelationshipForm(types=selectors.relationship_types()),
    }


def _submit_on_card(
    request: HttpRequest,
    ci: Any,
    form: forms.Form,
    save: Callable[[forms.Form], object],
    *,
    form_name: str,
    aliases: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Save a form of the relationships card. htmx gets the card back: refreshed (200), or
    with the failed form and its reasons (422); without JavaScript, the CI page (303), or
    the page again with the failed form (422)."""
    actor = request.actor

    def shown(_: object) -> HttpResponse | str:
        if not wants_partial(request):
            return detail_url(ci.number)
        return render(request, f"{DETAIL}#relationships", _card(actor, ci))

    return submit(
        request,
        form,
        save,
        success=shown,
        template=DETAIL,
        partial="relationships",
        context=lambda f: _card(actor, ci) if wants_partial(request) else detail_context(actor, ci),
        form_name=form_name,
        aliases=aliases,
    )


@login_required
@require_POST
def relationship_add(request: HttpRequest, number: str) -> HttpResponse:
    """Relate this CI to another from its page's relationships card."""
    actor = request.actor
    ci = selectors.ci_get(actor, number=number)  # absent or invisible: the 404 page
    _writer(actor, ci)

    def save(f: forms.Form) -> object:
        other = f.cleaned_data["other"].strip().upper()
        ends = (number, other) if f.cleaned_data["direction"] == "out" else (other, number)
        return services.relationship_create(
            actor, source=ends[0], target=ends[1], type=f.cleaned_data["type"]
        )

    form = RelationshipForm(request.POST, types=selectors.relationship_types())
    return _submit_on_card(
        request, ci, form, save, form_name="rel_form", aliases=RelationshipForm.aliases
    )


@login_required
@require_POST
def relationship_remove(request: HttpRequest, number: str, relationship_id: int) -> HttpResponse:
    """Remove one of this CI's relationships (the card's *Remove* buttons)."""
    actor = request.actor
    ci = selectors.ci_get(actor, number=number)  # absent or invisible: the 404 page
    found = selectors.relationship_get(actor, relationship_id=relationship_id)
    if ci.id not in (found.source_id, found.target_id):
        raise NotFound()
    _writer(actor, ci)
    return _submit_on_card(
        request,
        ci,
        forms.Form(request.POST),
        lambda f: services.relationship_delete(actor, relationship_id=relationship_id),
        form_name="remove_form",
    )
