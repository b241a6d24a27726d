"""What every web request gets before its view runs, and what a domain error becomes after.

- ``UserTimeZoneMiddleware``: times shown in the signed-in user's zone (DESIGN §3).
- ``UserLanguageMiddleware``: pages in the signed-in user's language, else the browser's.
- ``ActorMiddleware``: ``request.actor``, the same ``Actor`` the API's session auth builds.
- ``DomainErrorPageMiddleware``: ``NotFound`` is the 404 page, ``PermissionDenied`` the 403
  page, so views let selectors and services raise instead of catching in every view.
- ``steward.web.nul_characters``: a NUL character in the path, a query parameter or a
  request body is refused naming the field, before any view hands it to PostgreSQL.
- ``ContentSecurityPolicyMiddleware``: every HTML answer carries ``CONTENT_SECURITY_POLICY``
  (docs/decisions/0011-content-security-policy.md).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed

# The API sets its own actor in its auth classes (a token's scopes narrow it) and shapes its
# own errors (steward.api.errors); the web middleware stays out of its way.
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", "") if user is not None else ""
        try:
            if name:
                timezone.activate(zoneinfo.ZoneInfo(name))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """The language of the answer: the signed-in person's choice (the profile's ``language``,
    on the user row ``UserTimeZoneMiddleware`` has already loaded: no query), else the
    browser's ``Accept-Language`` narrowed to ``settings.LANGUAGES`` (Django's own matching,
    as ``LocaleMiddleware`` does, without its URL prefixes). The API answers in the
    ``Accept-Language`` only: its error *messages* follow it, its codes and field names never
    change; it does not touch the session user, so a token request stays query-free here.

    Deactivated after the answer is rendered, so nothing of one request's language leaks into
    the next one a thread serves (the time zone's rule above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = frozenset(code for code, _ in settings.LANGUAGES)

    def chosen(self, request: HttpRequest) -> str | None:
        """The signed-in person's language when the product ships it (a stored code from
        before a language was withdrawn falls back to the browser's)."""
        if is_api(request):
            return None
        user = getattr(request, "user", None)
        code = getattr(user, "language", "") if user is not None else ""
        return code if code in self.languages else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = self.chosen(request)
        language = chosen or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        if chosen is None:  # the answer depends on the header: caches must key on it
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


class ActorMiddleware:
    """``request.actor``: the signed-in user acting through the web, or ``None`` when nobody
    is signed in (``login_required`` views never see ``None``). One actor per request, so
    every audit row a page writes carries the same request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            user = request.user  # AuthenticationMiddleware runs first (settings.MIDDLEWARE)
            request.actor = Actor(user=user, channel=Channel.WEB) if user.is_authenticated else None
        return self.get_response(request)


def not_found_page(request: HttpRequest) -> HttpResponse:
    """The Steward 404 page: absent records and records the user may not see look alike."""
    return render(request, "web/404.html", status=404)


def forbidden_page(request: HttpRequest, message: str = "") -> HttpResponse:
    """The Steward 403 page, with the service's reason when it gave one."""
    return render(request, "web/403.html", {"reason": message}, status=403)


def refused_page(request: HttpRequest, fields: dict[str, list[str]]) -> HttpResponse:
    """The 422 page naming the address's refused parameters and why."""
    return render(request, "web/422.html", {"fields": fields}, status=422)


class DomainErrorPageMiddleware:
    """A view lets ``NotFound``/``PermissionDenied`` escape; the right page comes back.

    A ``ValidationFailed`` escaping a GET refused the address itself (a forged or stale
    ``?cursor=``, a ``?limit=`` out of range: the list selectors check them), as there is
    no form to show it beside: the 422 page names the parameters.

    Other domain errors are a form's business (``steward.web.forms.submit``); one that
    escapes a view is a bug and stays a 500, so it is seen and fixed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_api(request):
            return None
        if isinstance(exception, NotFound):
            return not_found_page(request)
        if isinstance(exception, PermissionDenied):
            return forbidden_page(request, exception.message)
        if isinstance(exception, ValidationFailed) and request.method in ("GET", "HEAD"):
            return refused_page(request, exception.fields)
        return None


# Scripts and stylesheets only from our own origin: no inline <script>, no on*= handlers,
# no eval, no <style> elements. Style *attributes* are allowed (style-src-attr): templates
# still colour badges with style="…" and Swagger UI and the Django admin set them; an
# attribute cannot run script. data: images are the admin's and Swagger UI's icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """``Content-Security-Policy`` on every HTML page (pages, htmx fragments, error pages,
    the Django admin, the API's docs page); JSON and files need none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
