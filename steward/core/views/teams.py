"""Team pages: the list with its filter, a team with its members (htmx), creating one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from steward.core import selectors, services
from steward.core.actor import Actor
from steward.core.forms import MemberForm, TeamForm
from steward.core.selectors.timeline import team_history
from steward.web.forms import see_other, submit, wants_partial

LIST = "core/teams.html"
DETAIL = "core/team_detail.html"


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    # no one types a NUL, and PostgreSQL cannot compare text holding one: searched without
    q = request.GET.get("q", "").replace("\x00", "")
    page = selectors.team_list(actor, q=q, cursor=request.GET.get("cursor"))
    form = TeamForm() if actor.is_admin else None
    # The filter pushes its URL; a history restore after a cache miss needs the whole page.
    rows_only = request.htmx and not request.htmx.history_restore_request
    template = f"{LIST}#team_rows" if rows_only else LIST
    response = render(request, template, {"page": page, "form": form, "q": q})
    patch_vary_headers(response, ["HX-Request"])  # no cached fragment served as the page
    return response


@login_required
@require_POST
def team_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor

    def save(form: TeamForm) -> Any:
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        return services.team_create(actor, **data)

    return submit(
        request,
        TeamForm(request.POST),
        save,
        success=lambda team: reverse("core:team_detail", kwargs={"slug": team.slug}),
        template=LIST,
        context=lambda _: {"page": selectors.team_list(actor), "q": ""},
    )


@login_required
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request.actor
    team = selectors.team_get(actor, slug=slug)  # NotFound: the 404 page (middleware)
    can_manage = actor.is_admin or team.lead_id == request.user.pk
    history = team_history(actor, team) if actor.is_admin else []
    values = _members(actor, slug, MemberForm(), team=team)
    return render(request, DETAIL, {**values, "can_manage": can_manage, "history": history})


def _members(actor: Actor, slug: str, form: MemberForm, team: Any = None) -> dict[str, Any]:
    """The member list partial's values (only managers reach it through a POST)."""
    team = team or selectors.team_get(actor, slug=slug)
    return {
        "team": team,
        "members": team.members.order_by("username"),
        "can_manage": True,
        "member_form": form,
    }


@login_required
@require_POST
def team_member(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Add or remove a member; htmx swaps the member list, errors shown in it."""
    actor = request.actor
    change = services.team_add_member if action == "add" else services.team_remove_member

    def save(form: MemberForm) -> None:
        change(actor, slug=slug, username=form.cleaned_data["username"])

    def done(_: None) -> HttpResponse:
        if wants_partial(request):
            return render(request, f"{DETAIL}#members", _members(actor, slug, MemberForm()))
        return see_other(request, reverse("core:team_detail", kwargs={"slug": slug}))

    return submit(
        request,
        MemberForm(request.POST),
        save,
        success=done,
        template=DETAIL,
        partial="members",
        form_name="member_form",
        context=lambda form: _members(actor, slug, form),
    )
