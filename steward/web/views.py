"""Web pages: parse, call the same services and selectors as the API, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from steward.core import selectors, services
from steward.core.errors import DomainError, NotFound, Throttled
from steward.incidents import selectors as incident_selectors
from steward.web.forms import (
    LoginForm,
    MemberForm,
    ProfileForm,
    TeamForm,
    TokenForm,
    apply_error,
)
from steward.web.pages import web_actor


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in, throttled per account and per address; unknown users look like bad passwords."""
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = _client_address(request)
        try:
            services.login_check(username=username, address=address)
        except Throttled as exc:
            form.add_error(None, exc.message)
            response = render(request, "web/login.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            services.login_failed(username=username, address=address)
            form.add_error(None, "Wrong username or password.")
            status = 400
        else:
            services.login_succeeded(username=username)
            login(request, user)
            target = request.GET.get("next", "")
            # Django's check also refuses what browsers read as another host (/\evil, /<tab>/evil).
            if target.startswith("/") and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(target)
            return redirect("web:home")
    return render(request, "web/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The agent's overview (grows as modules land); requesters see their own start page."""
    actor = web_actor(request)
    my_teams = selectors.team_list(actor, member=request.user.username, limit=20).items
    context = {"my_teams": my_teams}
    if actor.is_agent:
        context["incident_counts"] = incident_selectors.incident_overview(actor)
    else:
        context["my_incidents"] = incident_selectors.incident_recent_for_caller(actor)
    return render(request, "web/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    user = selectors.user_get(actor, username=request.user.username)
    initial = {f: getattr(user, f) for f in ProfileForm.base_fields if f != "version"}
    form = ProfileForm(request.POST or None, initial={**initial, "version": user.version})
    status = 200 if request.method == "GET" else 422
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.user_update(
                actor,
                username=user.username,
                expected_version=form.cleaned_data["version"],
                changes=changes,
            )
        except DomainError as exc:
            apply_error(form, exc)
            status = exc.status  # 412 for a stale version, as in the API
        else:
            return redirect("web:profile")
    tokens = selectors.token_list(actor, limit=100).items
    return render(
        request,
        "web/profile.html",
        {"form": form, "profile_user": user, "tokens": tokens, "token_form": TokenForm()},
        status=status,
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    form = TokenForm(request.POST)
    new_token = None
    if form.is_valid():
        days = form.cleaned_data.get("expires_in_days")
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _, new_token = services.token_create(
                actor,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=expires,
            )
        except DomainError as exc:
            apply_error(form, exc)
    tokens = selectors.token_list(actor, limit=100).items
    return render(
        request,
        "web/profile.html#tokens",
        {
            "tokens": tokens,
            "token_form": TokenForm() if new_token else form,
            "new_token": new_token,
        },
        status=422 if form.errors else 200,  # htmx swaps 422 in, like the member form
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = web_actor(request)
    try:
        services.token_revoke(actor, token_id=token_id)
    except NotFound:
        return render(request, "web/404.html", status=404)
    tokens = selectors.token_list(actor, limit=100).items
    return render(request, "web/profile.html#tokens", {"tokens": tokens, "token_form": TokenForm()})


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    page = selectors.team_list(actor, q=request.GET.get("q", ""), cursor=request.GET.get("cursor"))
    form = TeamForm(request.POST or None) if actor.is_admin else None
    # The filter pushes its URL; a history restore after a cache miss needs the whole page.
    rows_only = request.htmx and not request.htmx.history_restore_request
    template = "web/teams.html#team_rows" if rows_only else "web/teams.html"
    q = request.GET.get("q", "")
    response = render(request, template, {"page": page, "form": form, "q": q})
    patch_vary_headers(response, ["HX-Request"])  # no cached fragment served as the page
    return response


@login_required
@require_POST
def team_create(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    form = TeamForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            team = services.team_create(actor, **data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return redirect("web:team_detail", slug=team.slug)
    page = selectors.team_list(actor)
    return render(request, "web/teams.html", {"page": page, "form": form}, status=422)


@login_required
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = web_actor(request)
    try:
        team = selectors.team_get(actor, slug=slug)
    except NotFound:
        return render(request, "web/404.html", status=404)
    can_manage = actor.is_admin or team.lead_id == request.user.pk
    history = selectors.record_history(actor, team) if actor.is_admin else []
    return render(
        request,
        "web/team_detail.html",
        {
            "team": team,
            "members": team.members.order_by("username"),
            "can_manage": can_manage,
            "member_form": MemberForm(),
            "history": history,
        },
    )


@login_required
@require_POST
def team_member(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Add or remove a member (htmx swaps the member list)."""
    actor = web_actor(request)
    form = MemberForm(request.POST)
    error = None
    if form.is_valid():
        change = services.team_add_member if action == "add" else services.team_remove_member
        try:
            change(actor, slug=slug, username=form.cleaned_data["username"])
        except NotFound:
            return render(request, "web/404.html", status=404)
        except DomainError as exc:
            error = exc.message
    team = selectors.team_get(actor, slug=slug)
    return render(
        request,
        "web/team_detail.html#members",
        {
            "team": team,
            "members": team.members.order_by("username"),
            "can_manage": True,
            "member_form": MemberForm(),
            "error": error,
        },
        status=422 if error else 200,
    )
