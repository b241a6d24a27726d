"""Field-level write rules hold on every surface: only administrators move a team to another
organisation, and files go on a user's profile only from that user (or an administrator)
and on a team only from its lead (or an administrator). The API refuses with a 403 naming
the field; every web route, posted with the field by someone who may not write it, changes
nothing (the routes come from the URLconf, so a new page is covered as it is added)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from steward.core.models import Attachment, Team
from steward.core.services import team_create
from tests import factories
from tests.conftest import api_client_for, as_actor
from tests.contract.access_web import url_patterns
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:[^>:]+:)?(\w+)>")
# Routes that end the session or are not pages of Steward's own: posting to them proves
# nothing about a field (the admin turns a non-staff user away before any form).
SKIPPED = ("logout/", "admin/", "password-reset/<")


def _web_urls(values: dict[str, str]) -> list[str]:
    """Every web route whose parameters ``values`` fill, filled."""
    urls = []
    for route, _ in url_patterns():
        if route.startswith(("api/", *SKIPPED)) or "(?P<" in route or "^" in route:
            continue
        names = PARAM.findall(route)
        if all(n in values for n in names):
            urls.append("/" + PARAM.sub(lambda m: values[m[1]], route))
    return sorted(set(urls))


@pytest.fixture
def world(admin_actor):
    home, other = factories.OrganisationFactory(slug="home"), factories.OrganisationFactory()
    lead = factories.agent(username="lead", organisation=home)
    team = team_create(
        admin_actor, name="Desk", organisation=home.slug, lead=lead.username, members=["lead"]
    )
    person = factories.requester(username="person", organisation=home)
    return {"home": home, "other": other, "lead": lead, "team": team, "person": person}


def _form(world, target: str) -> dict:
    return {
        "organisation": world["other"].slug,
        "name": "Desk",
        "version": "1",
        "target": target,
        "file": SimpleUploadedFile("x.txt", b"x", "text/plain"),
    }


def test_the_lead_cannot_move_the_team_on_any_surface(world):
    team = world["team"]
    api = api_client_for(world["lead"])
    response = api.patch(f"/api/v1/teams/{team.slug}", {"organisation": world["other"].slug})
    assert response.status_code == 403, response.content
    assert list(response.json()["error"]["fields"]) == ["organisation"]

    web = signed_in(world["lead"])
    urls = _web_urls({"slug": team.slug, "username": "lead"})
    assert f"/teams/{team.slug}/" in urls  # the walk reaches the team's own pages
    for url in urls:
        web.post(url, _form(world, f"team/{team.slug}"))

    assert Team.objects.get(pk=team.pk).organisation == world["home"]


def test_only_an_administrator_moves_the_team(world, admin_user):
    response = api_client_for(admin_user, scopes=("read", "write", "admin")).patch(
        f"/api/v1/teams/{world['team'].slug}", {"organisation": world["other"].slug}
    )
    assert response.status_code == 200, response.content
    assert Team.objects.get(pk=world["team"].pk).organisation == world["other"]


@pytest.mark.parametrize("target", ["team", "user"])
def test_an_agent_attaches_to_no_one_elses_profile_or_team_on_any_surface(world, target):
    other_agent = factories.agent(username="nosy", organisation=world["home"])
    named = f"team/{world['team'].slug}" if target == "team" else "user/person"
    api = api_client_for(other_agent)
    response = api.post(
        "/api/v1/attachments",
        {"target": named, "file": SimpleUploadedFile("x.txt", b"x", "text/plain")},
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 403, response.content
    assert "target" in response.json()["error"]["fields"]

    web = signed_in(other_agent)
    for url in _web_urls({"slug": world["team"].slug, "username": "person"}):
        web.post(url, _form(world, named))

    assert not Attachment.objects.exists()


def test_the_lead_and_the_person_attach_to_their_own(world):
    """Control: the rule refuses the others, not everyone."""
    lead = api_client_for(world["lead"])
    person = api_client_for(world["person"])
    for client, target in ((lead, f"team/{world['team'].slug}"), (person, "user/person")):
        response = client.post(
            "/api/v1/attachments",
            {"target": target, "file": SimpleUploadedFile("x.txt", b"x", "text/plain")},
            content_type=MULTIPART_CONTENT,
        )
        assert response.status_code == 201, response.content
    assert Attachment.objects.count() == 2
    assert as_actor(world["person"]).is_agent is False
