"""The browser's middleware, and a lighter path through it for API clients with a token.

A request under ``/api/`` that carries ``Authorization: Bearer …`` and **no session cookie**
is a program with a token: it has no session to load, no messages to show, no htmx headers
and no signed-in user's time zone. The middleware below calls straight through for it (its
request, view, exception and response steps alike); every other request runs them as
Django's do. A request with a session cookie always takes the full path, so a
cookie-authenticated unsafe API call is CSRF-checked (by ninja's session auth) whatever else
it carries.

Django's ``CsrfViewMiddleware`` is not wrapped: it runs, unchanged, for every request.
``check --deploy`` asks for it by its own name (security.W003), and for a token-only request
it costs nothing worth skipping: no cookie to read, and the API's views are ``csrf_exempt``.
The security headers, ``X-Frame-Options``, the content security policy and the API's own
size limits are not in this module either and run for every request (settings.MIDDLEWARE;
docs/decisions/0020-api-middleware-and-session-cache.md).

``AuthenticationMiddleware`` also takes the signed-in user from the per-process cache of
``steward.core.sessions`` instead of reading it on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django_htmx import middleware as htmx_middleware

from steward.core.sessions import session_user
from steward.web.middleware import UserTimeZoneMiddleware as _UserTimeZoneMiddleware
from steward.web.middleware import is_api


def token_only(request: HttpRequest) -> bool:
    """An API request with a bearer token and no session cookie (decided once per request)."""
    decided = getattr(request, "_steward_token_only", None)
    if decided is None:
        scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0]
        decided = (
            is_api(request)
            and scheme.lower() == "bearer"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        request._steward_token_only = decided
    return decided


def _anonymous(request: HttpRequest) -> None:
    # ninja's session auth, tried after a refused token, asks who is signed in: nobody
    request.user = AnonymousUser()


def web_only(base: type, *, skipped: Callable[[HttpRequest], None] | None = None) -> type:
    """``base`` as it is for the browser; for ``token_only`` requests every step of it is
    skipped (``skipped`` runs instead, to leave what later code reads)."""

    def call(self: Any, request: HttpRequest) -> HttpResponse:
        if token_only(request):
            if skipped is not None:
                skipped(request)
            return self.get_response(request)
        return base.__call__(self, request)

    attrs: dict[str, Any] = {
        "__call__": call,
        "__module__": __name__,
        "__qualname__": base.__name__,
        "__doc__": f"{base.__module__}.{base.__name__}, skipped for token-only API requests.",
        "async_capable": False,  # a sync __call__: Django adapts it under ASGI
    }
    for hook in ("process_view", "process_exception"):
        original = getattr(base, hook, None)
        if original is not None:

            def guarded(self: Any, request: HttpRequest, *args: Any, _run: Any = original) -> Any:
                return None if token_only(request) else _run(self, request, *args)

            attrs[hook] = guarded
    assert not hasattr(base, "process_template_response"), base  # noqa: S101 - not guarded
    return type(base.__name__, (base,), attrs)


class _CachedAuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the session's user from ``steward.core.sessions``' cache."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # its checks, and request.auser as Django's
        request.user = SimpleLazyObject(partial(_user, request))


def _user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):  # the attribute login()/logout() use
        request._cached_user = session_user(request)
    return request._cached_user


SessionMiddleware = web_only(sessions_middleware.SessionMiddleware)
AuthenticationMiddleware = web_only(_CachedAuthenticationMiddleware, skipped=_anonymous)
MessageMiddleware = web_only(messages_middleware.MessageMiddleware)
HtmxMiddleware = web_only(htmx_middleware.HtmxMiddleware)
UserTimeZoneMiddleware = web_only(_UserTimeZoneMiddleware)
