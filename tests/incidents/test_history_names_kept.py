"""The incident page's history names people, teams, organisations and categories from a
per-process copy kept under their stamps (decision 0083): a warm page reads none of them,
a rename reaches the next page, and what no stamp guards (a CI, a parent
incident) is read on every page as before."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.cmdb.models import ConfigurationItem
from steward.cmdb.services import ci_create
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.models import Organisation, Team, User
from steward.core.selectors import names
from steward.core.services import team_update
from steward.incidents.models import Category
from steward.incidents.services import (
    category_create,
    category_update,
    incident_create,
    incident_update,
)

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"[A-Za-z0-9]{64}")
KEPT = ("core_user", "core_team", "incidents_category")


@pytest.fixture
def moved(admin_actor, agent_actor, desk, always_on):
    """An incident whose history names a person, a team, a category and a CI."""
    system = Actor.system("tests")
    category = category_create(admin_actor, name="Links <lan>")
    ci = ci_create(system, name="core-switch", ci_class="server")
    incident = incident_create(agent_actor, title="Link down", team="desk")
    incident_update(
        agent_actor, number=incident.number, expected_version=None,
        changes={"assignee": "agent1", "category": category.slug, "configuration_item": ci.number},
    )  # fmt: skip
    return {"number": incident.number, "category": category.slug, "ci": ci.number}


def _read(web, number: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        page = web.get(f"/incidents/{number}/")
    assert page.status_code == 200
    return TOKEN.sub("TOKEN", page.content.decode()), [q["sql"] for q in ctx.captured_queries]


def _reads_of(statements: list[str], table: str) -> list[str]:
    """The statements reading rows of ``table`` (not those naming it in a subquery)."""
    return [s for s in statements if s.startswith(f'SELECT "{table}".')]


def test_a_warm_page_reads_no_person_team_or_category_name(web, moved, frozen, monkeypatch):
    _read(web, moved["number"])  # warm
    page, statements = _read(web, moved["number"])
    assert "Service Desk" in page
    assert "core-switch" in page
    for table in KEPT:
        assert _reads_of(statements, table) == [], table
    # what no stamp guards is read each time, as before
    assert len(_reads_of(statements, ConfigurationItem._meta.db_table)) == 1
    monkeypatch.setattr(names, "KEEP", False)
    again, unkept = _read(web, moved["number"])
    assert again == page
    for table in KEPT:  # the test can fail: with nothing kept the names are read
        assert len(_reads_of(unkept, table)) == 1, table
    assert len(unkept) == len(statements) + len(KEPT)


def test_renamed_rows_reach_the_next_page(web, moved, admin_actor, frozen, monkeypatch):
    before, _ = _read(web, moved["number"])
    assert "Service Desk" in before
    assert "Links &lt;lan&gt;" in before
    team_update(admin_actor, slug="desk", expected_version=None, changes={"name": "Front <Desk>"})
    category_update(admin_actor, slug=moved["category"], changes={"name": "Lines"})
    agent = User.objects.get(username="agent1")
    agent.first_name, agent.last_name = "Ada", "Byron"
    agent.save()
    page, statements = _read(web, moved["number"])
    assert "Front &lt;Desk&gt;" in page
    assert "Lines" in page
    assert "Ada Byron" in page
    for table in KEPT:  # read again: their stamps moved (the user also for the session's)
        assert _reads_of(statements, table), table
    monkeypatch.setattr(names, "KEEP", False)
    assert _read(web, moved["number"])[0] == page
    monkeypatch.setattr(names, "KEEP", True)
    # a plain UPDATE moves nothing by itself; its caller bumps the stamp (stamps.bump)
    Category.objects.filter(slug=moved["category"]).update(name="Wires")
    stamps.bump(stamps.INCIDENT_CONFIG)
    assert "Wires" in _read(web, moved["number"])[0]


def test_only_guarded_models_whose_name_is_their_own_columns_are_kept():
    assert stamps.guarding(User) == (stamps.AUTH,)
    assert stamps.guarding(Organisation) == (stamps.AUTH, stamps.MAIL_CONFIG)
    assert stamps.AUTH not in stamps.guarding(Team)
    assert stamps.TEAMS in stamps.guarding(Team)
    assert stamps.INCIDENT_CONFIG in stamps.guarding(Category)
    assert stamps.guarding(ConfigurationItem) == ()
    labels = {m._meta.label for m in (User, Team, Organisation, Category)}
    assert labels == names.OWN_COLUMNS
