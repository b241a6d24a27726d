"""The world every contract test runs in: two organisations and one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from steward.core.models import Organisation, User
from tests import factories
from tests.conftest import ApiClient, api_client_for

# Token scopes a role's client gets: an administrator's token needs `admin` to act as one.
ROLE_SCOPES = {
    "requester": ("read", "write"),
    "agent": ("read", "write"),
    "stranger": ("read", "write"),
    "admin": ("read", "write", "admin"),
}


@dataclass
class World:
    """``home`` and ``other`` organisations; ``agent`` serves only ``home``, ``stranger`` only
    ``other``; ``requester`` belongs to ``home``; ``admin`` is unrestricted and in none."""

    home: Organisation
    other: Organisation
    users: dict[str, User]
    _clients: dict[tuple[str, tuple[str, ...]], ApiClient] = field(default_factory=dict)

    def client(self, role: str, scopes: tuple[str, ...] | None = None) -> ApiClient:
        """A bearer-token client for ``role`` (one token per role and scope set)."""
        scopes = scopes or ROLE_SCOPES[role]
        if (role, scopes) not in self._clients:
            self._clients[role, scopes] = api_client_for(self.users[role], scopes=scopes)
        return self._clients[role, scopes]


def limited_agent(username: str, organisation: Organisation) -> User:
    """An agent who belongs to and serves only ``organisation``."""
    user = factories.agent(username=username, organisation=organisation)
    user.served_organisations.set([organisation])
    return user


def another(world: World, role: str) -> User:
    """A second user with the same role and reach as ``world.users[role]``."""
    model = world.users[role]
    name = f"{role}-{User.objects.count() + 1}"
    if role == "admin":
        return factories.admin(username=name)
    if role == "requester":
        return factories.requester(username=name, organisation=model.organisation)
    return limited_agent(name, model.organisation)


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    home = factories.OrganisationFactory(name="Home Org", slug="home")
    other = factories.OrganisationFactory(name="Other Org", slug="other")
    return World(
        home=home,
        other=other,
        users={
            "admin": factories.admin(username="w-admin"),
            "agent": limited_agent("w-agent", home),
            "requester": factories.requester(username="w-requester", organisation=home),
            "stranger": limited_agent("w-stranger", other),
        },
    )
