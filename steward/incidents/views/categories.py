"""The administrator's incident classification and routing pages: the category tree, adding
and editing a category or subcategory (with its default team), the priority matrix as a grid,
and how each team assigns its new incidents.

Only administrators reach them: the selectors and services refuse anyone else
(``PermissionDenied``: the 403 page with the reason). Forms save through
``web.forms.submit``: 303 on success, the form again with 422 and each message beside its
field otherwise.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.services.common import require_admin
from steward.incidents import selectors, services
from steward.incidents.choices import Impact
from steward.incidents.forms import CategoryForm, PriorityMatrixForm, TeamAssignmentForm
from steward.web.forms import submit

FORM = "incidents/category_form.html"
MATRIX = "incidents/priority_matrix.html"
ASSIGNMENT = "incidents/team_assignment.html"


def _choices(actor: Actor, *, exclude: str = "") -> dict[str, Any]:
    """Top-level categories a subcategory may hang under (not the one being edited) and the
    active teams."""
    teams = core_selectors.team_visible(actor).filter(is_active=True).order_by("name")
    parents = [c for c in selectors.category_parents(actor) if c.slug != exclude]
    return {"parents": parents, "teams": list(teams)}


def _listed(category: Any) -> str:
    return reverse("incidents:category_list")


@login_required
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    """Every category with its subcategories beneath, their default teams, active or not."""
    tree = selectors.category_tree(request.actor)
    return render(request, "incidents/category_list.html", {"tree": tree})


@login_required
@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    """Add a category; ``?parent=<slug>`` starts it as a subcategory of that one."""
    actor = request.actor
    require_admin(actor, _("configure categories"))
    choices = _choices(actor)
    if request.method == "POST":

        def done(category: Any) -> str:
            messages.success(request, _("Category “%(name)s” added.") % {"name": category.name})
            return _listed(category)

        return submit(
            request,
            CategoryForm(request.POST, **choices),
            lambda f: services.category_create(actor, **f.values()),
            success=done,
            template=FORM,
            context={"category": None},
        )
    form = CategoryForm(initial={"parent": request.GET.get("parent", "")}, **choices)
    return render(request, FORM, {"form": form, "category": None})


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Rename, move, re-route or deactivate a category; only what changed is saved."""
    actor = request.actor
    category = selectors.category_get(actor, slug=slug)
    choices = _choices(actor, exclude=slug)
    current = CategoryForm.initial_for(category)
    if request.method == "POST":

        def save(form: CategoryForm) -> Any:
            old = {**current, "parent": current["parent"] or None}
            old["default_team"] = old["default_team"] or None
            changes = {k: v for k, v in form.values().items() if v != old[k]}
            return services.category_update(actor, slug=slug, changes=changes)

        def done(saved: Any) -> str:
            messages.success(request, _("Category “%(name)s” saved.") % {"name": saved.name})
            return _listed(saved)

        return submit(
            request,
            CategoryForm(request.POST, **choices),
            save,
            success=done,
            template=FORM,
            context={"category": category},
        )
    form = CategoryForm(initial=current, **choices)
    return render(request, FORM, {"form": form, "category": category})


@login_required
@require_http_methods(["GET", "POST"])
def priority_matrix(request: HttpRequest) -> HttpResponse:
    """The matrix as a grid of selects (impact down, urgency across); saving changes only
    the cells that differ, each audited."""
    actor = request.actor
    require_admin(actor, _("change the priority matrix"))
    if request.method == "POST":

        def done(changed: list[str]) -> str:
            if changed:
                messages.success(
                    request,
                    _("Priority matrix saved (%(value)s cells changed).") % {"value": len(changed)},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return reverse("incidents:priority_matrix")

        return submit(
            request,
            PriorityMatrixForm(request.POST),
            lambda f: services.priority_matrix_update(actor, cells=f.cells()),
            success=done,
            template=MATRIX,
        )
    matrix = selectors.priority_matrix()
    for cell in {(i, u) for i in Impact.values for u in Impact.values} - set(matrix):
        matrix[cell] = selectors.priority_for(*cell)  # a deleted cell: the rule's default
    form = PriorityMatrixForm(initial=PriorityMatrixForm.initial_for(matrix))
    return render(request, MATRIX, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_assignment(request: HttpRequest) -> HttpResponse:
    """How each team's new incidents pick an agent, one select per team; saving changes only
    the teams whose choice differs, each audited."""
    actor = request.actor
    rows = selectors.team_assignment_modes(actor)  # administrators only
    teams = [team for team, _ in rows]
    if request.method == "POST":

        def done(changed: list[str]) -> str:
            if changed:
                messages.success(
                    request, _("Assignment saved for %(value)s.") % {"value": ", ".join(changed)}
                )
            else:
                messages.info(request, _("Nothing changed."))
            return reverse("incidents:team_assignment")

        return submit(
            request,
            TeamAssignmentForm(request.POST, teams=teams),
            lambda f: services.team_assignment_update(actor, modes=f.modes()),
            success=done,
            template=ASSIGNMENT,
        )
    initial = {f"mode_{team.slug}": mode for team, mode in rows}
    form = TeamAssignmentForm(initial=initial, teams=teams)
    return render(request, ASSIGNMENT, {"form": form})
