"""A throwaway Steward with the demo organisation, and Django inside the bench process."""

from __future__ import annotations

import os
from typing import Any

from bench.server import ADMIN, Server

AGENT = "lead"  # demo agent in service-desk and network: the two busiest teams of the load


class DemoServer(Server):
    """``bench.server.Server`` whose database holds ``steward demo`` instead of a bare admin.

    The demo creates the ``admin`` user itself (an administrator and agent), so the token
    comes from that account; a second, read-only token belongs to the agent ``lead``.
    """

    agent_token = ""

    def setup(self) -> None:
        if self.db == "postgres":
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
        self._steward("migrate", "-v", "0")
        self._steward("collectstatic", "--noinput", "-v", "0")
        self._steward("demo")
        self.token = self._token(ADMIN, "read,write,admin")
        self.agent_token = self._token(AGENT, "read,write")

    def _token(self, user: str, scopes: str) -> str:
        made = self._steward("token", "create", user, "--scopes", scopes, "--name", "bench")
        return made.strip()

    def agent_headers(self) -> dict[str, str]:
        return self.headers() | {"Authorization": f"Bearer {self.agent_token}"}

    def __enter__(self) -> DemoServer:
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self


def django_in_process(server: Server) -> None:
    """Point this process's Django at the server's database (same settings, same env)."""
    os.environ.update(server.env())
    import django

    django.setup()


def close_connections() -> None:
    """Before forking client processes or starting the server: no shared connection."""
    from django.db import connections

    connections.close_all()


def actor_for(username: str, channel: str = "api") -> Any:
    from steward.core.actor import Actor
    from steward.core.models import User

    return Actor(user=User.objects.get(username=username), channel=channel)


def session_cookie(username: str) -> str:
    """A logged-in browser session for ``username`` (what the login form would create)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from steward.core.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
