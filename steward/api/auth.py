"""API authentication: bearer tokens for machines, the session (with CSRF) for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth

from steward.core.actor import Actor
from steward.core.choices import Channel, Scope
from steward.core.errors import PermissionDenied
from steward.core.services import token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer stw_…``; the token's scopes narrow its user's rights."""

    openapi_description = "API token created with `steward token create` or POST /api/v1/tokens"

    def __call__(self, request: HttpRequest) -> Any:
        """ninja's ``HttpBearer.__call__`` with the header read from ``META``: its
        ``request.headers`` built a mapping of every header (~11 µs) for this one, on every
        API request (decision 0084)."""
        auth_value = request.META.get("HTTP_AUTHORIZATION")
        if not auth_value:
            return None
        parts = auth_value.split(" ")
        if parts[0].lower() != self.openapi_scheme:
            return None  # ninja logs the header here in DEBUG; a token is not for a log
        return self.authenticate(request, " ".join(parts[1:]))

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        actor = token_authenticate(token)
        if actor is None:
            return None
        if request.method not in SAFE_METHODS and not actor.has_scope(Scope.WRITE):
            # checked here, once, so no route can forget it
            raise PermissionDenied(
                "This token's scopes do not allow changes.", fields={"scopes": ["needs write"]}
            )
        request.actor = actor
        return actor.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; CSRF is checked for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            request.actor = Actor(user=user, channel=Channel.WEB)
        return user


AUTH: list[APIKeyCookie | HttpBearer] = [TokenAuth(), BrowserSessionAuth()]
