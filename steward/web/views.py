"""The shell's own pages: sign in, sign out and the overview (people pages live in core)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.changes import selectors as change_selectors
from steward.core import oidc, selectors, services
from steward.core.choices import Role
from steward.core.errors import Throttled
from steward.incidents import selectors as incident_selectors
from steward.web.forms import LoginForm

HOME_ROWS = 10  # rows per list on the home page; each list links to the full one


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, asked for by browsers and tools that do not read the pages' icon
    link: the same icon (it was a 404 on every page)."""
    return redirect(static("web/favicon.svg"), permanent=True)


def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in, throttled per account and per address; unknown users look like bad passwords."""
    if request.user.is_authenticated:
        return redirect(landing(request.user))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = _client_address(request)
        try:
            services.login_check(username=username, address=address)
        except Throttled as exc:
            form.add_error(None, exc.message)
            response = render(request, "web/login.html", _login_context(request, form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None and not services.password_sign_in_allowed(user):
            user = None  # single sign-on only: the same answer as a wrong password
        if user is None:
            services.login_failed(username=username, address=address)
            form.add_error(None, "Wrong username or password.")
            status = 422  # a refused form, as every other form answers it
        else:
            services.login_succeeded(username=username)
            login(request, user)
            return redirect(safe_next(request, request.GET.get("next", "")) or landing(user))
    return render(request, "web/login.html", _login_context(request, form), status=status)


def _login_context(request: HttpRequest, form: LoginForm) -> dict:
    """The sign-in page's: the form, and the single sign-on button when it is configured
    (its link carries ``next`` on)."""
    context: dict = {"form": form}
    if oidc.enabled():
        context["sso_name"] = settings.OIDC_PROVIDER_NAME
        target = request.GET.get("next", "")
        context["sso_query"] = f"?{urlencode({'next': target})}" if target else ""
        context["passwords_for_admins"] = settings.OIDC_ADMINS_ONLY_SIGN_IN_BY_PASSWORD
    return context


def safe_next(request: HttpRequest, target: str) -> str:
    """``target`` when it is a path on this site, else "" (open redirects refused)."""
    if target == "/":  # sent to sign in from the front door: their own front door
        return ""
    # Django's check also refuses what browsers read as another host (/\evil, /<tab>/evil).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def landing(user) -> str:  # noqa: ANN001 - a User
    """Where a person lands after signing in: requesters on the help centre (search, report
    a problem, their requests; docs/portal.md), everyone who works records on the overview."""
    return "web:home" if user.is_agent else "portal:home"


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin signs in through ``login_view``, so its throttle and lockout hold
    there too: one sign-in path (docs/security.md). A POST is not read, only redirected."""
    target = request.GET.get("next") or request.POST.get("next") or "/admin/"
    return redirect(f"{resolve_url('web:login')}?{urlencode({'next': target})}")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page for the person's roles: approvals and the CAB for change managers,
    their teams' workload for team leads, today's counters for agents and the requester's own
    incidents with "Report a problem". Reads through selectors only, in a bounded number of
    queries whatever the data."""
    actor = request.actor
    user = request.user
    my_teams = selectors.team_list(actor, member=user.username, limit=20).items
    # "default" alone left the person guessing which zone the times are in
    context = {"my_teams": my_teams, "site_time_zone": settings.TIME_ZONE}
    # a requester has no team by design: "You are not in a team yet." is for agents only
    context["teams_card"] = actor.is_agent or bool(my_teams)
    if actor.is_agent:
        context["incident_counts"] = incident_selectors.incident_overview(actor)
    else:
        context["my_incidents"] = incident_selectors.incident_open_for_caller(actor)
    if user.has_role(Role.CHANGE_MANAGER):
        context["approvals_waiting"] = change_selectors.changes_awaiting(actor, limit=HOME_ROWS)
        context["cab_agenda"] = change_selectors.cab_agenda(actor, limit=HOME_ROWS)
    elif actor.is_agent:
        # an agent a policy names (a CAB member, an owner team's lead) found nothing on his
        # home page of the changes waiting for his decision: the card, when any waits
        waiting = change_selectors.changes_awaiting(actor, limit=HOME_ROWS)
        if waiting:
            context["approvals_waiting"] = waiting
    led = incident_selectors.led_teams(actor)
    if led:
        context["team_workload"] = incident_selectors.team_workload(actor, led)
    return render(request, "web/home.html", context)
