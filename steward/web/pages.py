"""What every app's web views share: the acting user and the error pages.

Views read ``request.actor`` (set by ``steward.web.middleware.ActorMiddleware``) and let
``NotFound``/``PermissionDenied`` escape to ``DomainErrorPageMiddleware``. The helpers here
are the older spelling of the same things, kept until every app has switched.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.web.middleware import forbidden_page, not_found_page


def web_actor(request: HttpRequest) -> Actor:
    """The request's actor; built here only where no middleware ran (a bare RequestFactory)."""
    actor = getattr(request, "actor", None)
    if actor is not None:
        return actor
    return Actor(user=request.user, channel=Channel.WEB)


def not_found(request: HttpRequest) -> HttpResponse:
    """The Steward 404 page: for absent records and for those the user may not see alike."""
    return not_found_page(request)


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return forbidden_page(request, message)
