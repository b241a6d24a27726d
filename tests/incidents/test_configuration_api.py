"""The API of what administrators configure for incidents (categories, the priority matrix,
escalation rules, team assignment): the same services as the web pages, so the same checks;
everyone else is refused with a 403 and nothing is written."""

from __future__ import annotations

import pytest

from steward.core.models import AuditEntry
from steward.incidents.models import Category, EscalationRule, PriorityRule, TeamAssignment
from tests import factories

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/incident-categories"
MATRIX = "/api/v1/incident-priority-matrix"
RULES = "/api/v1/escalation-rules"
MODES = "/api/v1/team-assignment"


def error_fields(response) -> dict:
    return response.json()["error"].get("fields", {})


def test_categories_are_created_read_and_patched(admin_api):
    team = factories.TeamFactory(name="Network", slug="network")
    top = admin_api.post(CATEGORIES, {"name": "Connectivity"})
    sub = admin_api.post(
        CATEGORIES, {"name": "Wi-Fi", "parent": "connectivity", "default_team": team.slug}
    )

    assert (top.status_code, sub.status_code) == (201, 201)
    assert sub.json() == {
        "slug": "connectivity-wi-fi",
        "name": "Wi-Fi",
        "parent": "connectivity",
        "default_team": "network",
        "is_active": True,
    }
    patched = admin_api.patch(f"{CATEGORIES}/connectivity-wi-fi", {"is_active": False})
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False
    assert Category.objects.get(slug="connectivity-wi-fi").is_active is False
    assert admin_api.get(f"{CATEGORIES}/connectivity-wi-fi").json()["name"] == "Wi-Fi"
    assert AuditEntry.objects.filter(object_repr__icontains="Wi-Fi").count() == 2


def test_a_bad_category_names_the_field_and_writes_nothing(admin_api):
    admin_api.post(CATEGORIES, {"name": "Top"})
    admin_api.post(CATEGORIES, {"name": "Sub", "parent": "top"})
    before = Category.objects.count()

    nested = admin_api.post(CATEGORIES, {"name": "Deeper", "parent": "top-sub"})
    unknown = admin_api.post(CATEGORIES, {"name": "Orphan", "parent": "nowhere"})
    missing = admin_api.patch(f"{CATEGORIES}/no-such-category", {"name": "x"})

    assert nested.status_code == 422
    assert error_fields(nested) == {"parent": ["a subcategory cannot have subcategories"]}
    assert unknown.status_code == 422
    assert "parent" in error_fields(unknown)
    assert missing.status_code == 404
    assert Category.objects.count() == before


def test_the_priority_matrix_reads_whole_and_patches_cells(admin_api):
    matrix = admin_api.get(MATRIX)
    assert matrix.status_code == 200
    cells = {(c["impact"], c["urgency"]): c["priority"] for c in matrix.json()["cells"]}
    assert len(cells) == 9

    patched = admin_api.patch(MATRIX, {"cells": [{"impact": 3, "urgency": 3, "priority": 4}]})

    assert patched.status_code == 200
    assert {"impact": 3, "urgency": 3, "priority": 4} in patched.json()["cells"]
    assert PriorityRule.objects.get(impact=3, urgency=3).priority == 4
    out_of_range = admin_api.patch(MATRIX, {"cells": [{"impact": 3, "urgency": 3, "priority": 9}]})
    assert out_of_range.status_code == 422
    assert PriorityRule.objects.get(impact=3, urgency=3).priority == 4


def test_escalation_rules_are_created_listed_and_patched(admin_api):
    factories.TeamFactory(name="Major incidents", slug="major")
    created = admin_api.post(
        RULES,
        {
            "name": "P1 breach to major",
            "threshold": "breach",
            "priorities": [1],
            "action": "reassign",
            "team": "major",
        },
    )
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    assert created.json()["team"] == "major"

    listed = admin_api.get(RULES).json()
    assert [r["id"] for r in listed["items"]] == [rule_id]
    assert listed["next"] is None
    patched = admin_api.patch(f"{RULES}/{rule_id}", {"is_active": False})
    assert patched.json()["is_active"] is False
    assert admin_api.get(f"{RULES}/{rule_id}").json()["is_active"] is False

    no_team = admin_api.post(RULES, {"name": "x", "threshold": "breach", "action": "reassign"})
    assert no_team.status_code == 422
    assert error_fields(no_team) == {"team": ["the team to reassign to is needed"]}
    assert admin_api.get(f"{RULES}/99999999999999999999").status_code in (404, 422)
    assert EscalationRule.objects.count() == 1


def test_team_assignment_reads_and_sets_modes(admin_api):
    team = factories.TeamFactory(name="Service desk", slug="desk")

    read = admin_api.get(MODES)
    assert {"team": "desk", "mode": "team"} in read.json()["teams"]
    patched = admin_api.patch(MODES, {"modes": {"desk": "round_robin"}})

    assert patched.status_code == 200
    assert {"team": "desk", "mode": "round_robin"} in patched.json()["teams"]
    assert TeamAssignment.objects.get(team=team).mode == "round_robin"
    bad = admin_api.patch(MODES, {"modes": {"desk": "lottery"}})
    assert bad.status_code == 422
    assert list(error_fields(bad)) == ["mode_desk"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", CATEGORIES, {"name": "Sneaky"}),
        ("patch", MATRIX, {"cells": [{"impact": 1, "urgency": 1, "priority": 5}]}),
        ("get", RULES, None),
        ("post", RULES, {"name": "x", "threshold": "breach", "action": "notify", "email": "a@b.c"}),
        ("get", MODES, None),
        ("patch", MODES, {"modes": {}}),
    ],
)
def test_agents_are_refused_and_nothing_is_written(agent_api, method, path, body):
    before = (Category.objects.count(), EscalationRule.objects.count())
    response = getattr(agent_api, method)(path, body) if body else agent_api.get(path)

    assert response.status_code == 403
    assert response.json()["error"]["code"]
    assert (Category.objects.count(), EscalationRule.objects.count()) == before
    assert not PriorityRule.objects.filter(impact=1, urgency=1, priority=5).exists()
