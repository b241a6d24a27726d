"""Single sign-on pages: the start (off to the identity provider) and the callback (back with
a code). The protocol is ``steward/core/oidc.py``; who signs in, ``core/services/sso.py``."""

from __future__ import annotations

import dataclasses
import logging
import time

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from steward.core import oidc, services
from steward.core.errors import Throttled
from steward.web.views import landing, safe_next

log = logging.getLogger("steward.sso")

PENDING_KEY = "sso_pending"
PENDING_SECONDS = 600  # a sign-in started longer ago than this is not finished
PENDING_MAX = 5  # sign-ins started in other tabs and not finished, kept per session
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _error(request: HttpRequest, message: str, status: int, **extra: str) -> HttpResponse:
    response = render(request, "web/sso_error.html", {"message": message}, status=status)
    for name, value in extra.items():
        response[name] = value
    return response


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _error(request, exc.message, 429, **{"Retry-After": str(exc.retry_after)})


def _unavailable(request: HttpRequest, exc: oidc.ProviderUnavailable) -> HttpResponse:
    log.warning("single sign-on: identity provider unavailable: %s", exc)
    return _error(
        request,
        _(
            "The identity provider could not be reached or gave an answer Steward cannot use."
            " Try again in a few minutes, or sign in with your password."
        ),
        502,
    )


@never_cache
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider with a fresh state, nonce and PKCE
    challenge, kept in the session for the callback."""
    if not oidc.enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect(landing(request.user))
    try:
        services.login_check(username=None, address=_address(request))
    except Throttled as exc:
        return _throttled(request, exc)
    pending = oidc.Pending.new(safe_next(request, request.GET.get("next", "")))
    try:
        url = oidc.authorization_url(pending)
    except oidc.ProviderUnavailable as exc:
        return _unavailable(request, exc)
    now = time.time()
    kept = {
        state: entry
        for state, entry in request.session.get(PENDING_KEY, {}).items()
        if entry.get("started", 0) > now - PENDING_SECONDS
    }
    kept[pending.state] = dataclasses.asdict(pending)
    newest = sorted(kept.items(), key=lambda item: item[1]["started"])[-PENDING_MAX:]
    request.session[PENDING_KEY] = dict(newest)
    return redirect(url)


def _take_pending(request: HttpRequest, state: str) -> oidc.Pending | None:
    """The sign-in this callback finishes, removed from the session (a state works once)."""
    kept = dict(request.session.get(PENDING_KEY, {}))
    entry = kept.pop(state, None) if state else None
    request.session[PENDING_KEY] = kept
    if entry is None or entry.get("started", 0) <= time.time() - PENDING_SECONDS:
        return None
    try:
        return oidc.Pending(**entry)
    except TypeError:
        return None


@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Finish a sign-in: the state must be one this browser started and not used, the code is
    exchanged (with the PKCE verifier) for an ID token whose signature, issuer, audience,
    expiry and nonce are checked, then the person is found, linked or created and signed in.
    Failures are counted by the sign-in throttle; a provider that is down is a 502 page."""
    if not oidc.enabled():
        raise Http404
    address = _address(request)
    try:
        services.login_check(username=None, address=address)
    except Throttled as exc:
        return _throttled(request, exc)
    start_again = _("Start again from the sign-in page.")
    pending = _take_pending(request, request.GET.get("state", ""))
    if pending is None:
        services.login_failed(username="", address=address)
        log.warning("single sign-on: callback with an unknown, used or expired state")
        message = _("This sign-in has expired or was already used.")
        return _error(request, f"{message} {start_again}", 400)
    if request.GET.get("error"):
        # the provider's own refusal (the person cancelled, the app is not assigned to them)
        log.info("single sign-on: provider answered %s", request.GET.get("error", "")[:80])
        message = _("The identity provider did not sign you in.")
        return _error(request, f"{message} {start_again}", 403)
    code = request.GET.get("code", "")
    if not code:
        services.login_failed(username="", address=address)
        message = _("The identity provider sent no sign-in code.")
        return _error(request, f"{message} {start_again}", 400)
    try:
        claims = oidc.exchange(code, pending)
    except oidc.ProviderUnavailable as exc:
        return _unavailable(request, exc)
    except oidc.SignInRejected as exc:
        services.login_failed(username="", address=address)
        log.warning("single sign-on: rejected: %s", exc)
        message = _("The sign-in could not be verified.")
        return _error(request, f"{message} {start_again}", 400)
    try:
        services.login_check(username=f"sso:{claims['sub']}"[:150], address=address)
        user = services.sso_sign_in(issuer=oidc.provider().issuer, claims=claims)
    except Throttled as exc:
        return _throttled(request, exc)
    except services.SignInRefused as exc:
        services.login_failed(username=exc.account, address=address)
        log.warning("single sign-on: refused %s: %s", exc.account, exc.reason)
        return _error(request, exc.message, 403)
    services.login_succeeded(username=f"sso:{claims['sub']}"[:150])
    login(request, user, backend=BACKEND)
    return redirect(safe_next(request, pending.next) or landing(user))
