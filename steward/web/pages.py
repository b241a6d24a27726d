"""What every app's web views share: the acting user and the error pages.

Views read ``request.actor`` (set by ``steward.web.middleware.ActorMiddleware``) and let
``NotFound``/``PermissionDenied`` escape to ``DomainErrorPageMiddleware``. The helpers here
are the older spelling of the same things, kept until every app has switched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import NotFound, PermissionDenied
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


def require_manager(
    actor: Actor,
    *,
    can_read: Callable[[Actor], bool],
    can_write: Callable[[Actor], bool],
    message: str,
) -> Actor:
    """The gate of a page that changes an app's reference data: one who may not read the
    app finds nothing (404, as for an unknown address); a reader who may not write gets
    the 403 page with ``message``. Returns the actor."""
    if not can_read(actor):
        raise NotFound()
    if not can_write(actor):
        raise PermissionDenied(message)
    return actor
