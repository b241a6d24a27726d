"""The administrator's incident configuration pages (categories, the priority matrix,
escalation rules) through Django's test client: saved through the services (audited, on the
outbox), a refused value beside its field with 422, everyone else refused."""

from __future__ import annotations

import pytest

from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from steward.incidents import selectors, services
from steward.incidents.models import Category, EscalationRule, PriorityRule, TeamAssignment
from tests import factories
from tests.conftest import as_actor
from tests.core.test_user_pages import errors_beside
from tests.web.conftest import signed_in
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

PAGES = [
    "/incidents/categories/",
    "/incidents/categories/new/",
    "/incidents/categories/network/",
    "/incidents/priority-matrix/",
    "/incidents/escalations/",
    "/incidents/escalations/new/",
    "/incidents/assignment/",
]


@pytest.fixture
def admin_web(admin_user):
    return signed_in(admin_user)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["agent", "requester"])
def test_only_administrators_reach_the_pages(path, role):
    user = factories.agent() if role == "agent" else factories.requester()
    response = signed_in(user).get(path)
    assert response.status_code == 403
    assert b"Only administrators may" in response.content


@pytest.mark.parametrize("path", PAGES)
def test_administrators_see_each_page(admin_web, path):
    assert admin_web.get(path).status_code == 200


def test_an_agent_cannot_post_to_the_matrix_or_categories(agent_user):
    agent = signed_in(agent_user)
    assert agent.post("/incidents/priority-matrix/", {"cell_1_1": "5"}).status_code == 403
    assert agent.post("/incidents/categories/new/", {"name": "X"}).status_code == 403
    assert PriorityRule.objects.get(impact=1, urgency=1).priority == 1
    assert not Category.objects.filter(name="X").exists()


def test_the_list_shows_subcategories_under_their_category(admin_web):
    content = admin_web.get("/incidents/categories/").content
    names = [text_of(a) for a in elements(content, "a") if a.inside("tbody")]
    network = names.index("Network")
    assert names[network + 1 : network + 3] == ["Add subcategory to Network", "Connectivity"]


def test_adding_a_subcategory_with_a_default_team(admin_web):
    factories.TeamFactory(name="Network ops", slug="netops")

    response = admin_web.post(
        "/incidents/categories/new/",
        {"name": "Load balancer", "parent": "network", "default_team": "netops", "is_active": "on"},
    )

    assert response.status_code == 303
    assert response["Location"] == "/incidents/categories/"
    made = Category.objects.get(name="Load balancer")
    assert (made.parent.slug, made.default_team.slug, made.slug) == (
        "network",
        "netops",
        "network-load-balancer",
    )
    assert AuditEntry.objects.filter(object_id=str(made.pk), action="create").exists()
    assert OutboxMessage.objects.filter(topic="category.created").exists()
    listing = admin_web.get("/incidents/categories/").content.decode()
    assert "Category “Load balancer” added." in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "VPN", "parent": "network"}, "name",
         "there is already a category 'VPN' under Network"),
        ({"name": "", "parent": ""}, "name", "This field is required."),
        ({"name": "Deep", "parent": "network-vpn"}, "parent",
         "Select a valid choice. network-vpn is not one of the available choices."),
        ({"name": "X", "default_team": "nope"}, "default_team",
         "Select a valid choice. nope is not one of the available choices."),
    ],
    ids=["duplicate", "blank", "third-level", "unknown-team"],
)  # fmt: skip
def test_a_refused_category_is_named_beside_its_field(admin_web, data, field, message):
    before = Category.objects.count()
    response = admin_web.post("/incidents/categories/new/", data)
    assert response.status_code == 422
    assert errors_beside(response.content, field) == [message]
    assert Category.objects.count() == before


def test_a_subcategory_cannot_get_subcategories_even_past_the_form(admin_actor):
    with pytest.raises(ValidationFailed) as caught:
        services.category_create(admin_actor, name="Deep", parent="network-vpn")
    assert caught.value.fields == {"parent": ["a subcategory cannot have subcategories"]}


def test_editing_deactivates_and_reroutes_and_audits_only_the_change(admin_web):
    factories.TeamFactory(name="Network ops", slug="netops")
    vpn = Category.objects.get(slug="network-vpn")

    response = admin_web.post(
        "/incidents/categories/network-vpn/",
        {"name": "VPN", "parent": "network", "default_team": "netops"},  # is_active unticked
    )

    assert response.status_code == 303
    vpn.refresh_from_db()
    assert not vpn.is_active
    assert vpn.default_team.slug == "netops"
    entry = AuditEntry.objects.get(object_id=str(vpn.pk), action="update")
    assert set(entry.changes) == {"default_team", "is_active"}
    assert "network-vpn" not in [c.slug for c in selectors.category_list(parent="network")]


def test_a_category_with_subcategories_stays_on_top(admin_web):
    response = admin_web.post(
        "/incidents/categories/network/", {"name": "Network", "parent": "email"}
    )
    assert response.status_code == 422
    assert errors_beside(response.content, "parent") == ["it has subcategories: it stays on top"]


def test_the_matrix_is_a_grid_with_the_current_priorities(admin_web):
    content = admin_web.get("/incidents/priority-matrix/").content
    selects = elements(content, "select")
    assert [s.attrs["name"] for s in selects] == [
        f"cell_{i}_{u}" for i in (1, 2, 3) for u in (1, 2, 3)
    ]
    chosen = [o.attrs["value"] for o in elements(content, "option") if "selected" in o.attrs]
    assert chosen == ["1", "2", "3", "2", "3", "4", "3", "4", "5"]


def test_saving_the_matrix_changes_and_audits_only_the_cells_that_differ(admin_web):
    cells = {f"cell_{i}_{u}": str(i + u - 1) for i in (1, 2, 3) for u in (1, 2, 3)}

    response = admin_web.post("/incidents/priority-matrix/", {**cells, "cell_3_3": "4"})

    assert response.status_code == 303
    assert response["Location"] == "/incidents/priority-matrix/"
    assert selectors.priority_for(3, 3) == 4
    assert selectors.priority_for(1, 1) == 1
    rule = PriorityRule.objects.get(impact=3, urgency=3)
    entry = AuditEntry.objects.get(object_id=str(rule.pk))
    assert entry.changes == {"priority": [5, 4]}
    assert AuditEntry.objects.count() == 1
    assert OutboxMessage.objects.get(topic="priority_matrix.updated").payload == {
        "cells": ["impact 3 × urgency 3"]
    }
    assert "1 cells changed" in admin_web.get("/incidents/priority-matrix/").content.decode()


def test_a_refused_cell_is_named_and_nothing_changes(admin_web):
    cells = {f"cell_{i}_{u}": "3" for i in (1, 2, 3) for u in (1, 2, 3)}
    response = admin_web.post("/incidents/priority-matrix/", {**cells, "cell_2_1": "9"})
    assert response.status_code == 422
    td = [e for e in elements(response.content, "td") if "invalid" in e.attrs.get("class", "")]
    assert len(td) == 1
    assert "a priority from 1 (critical) to 5 (planning)" in response.content.decode()
    assert selectors.priority_for(1, 1) == 1  # nothing written


def test_an_escalation_rule_is_added_edited_and_deactivated(admin_web):
    factories.TeamFactory(name="Major incidents", slug="major")

    added = admin_web.post(
        "/incidents/escalations/new/",
        {"name": "P1 breach to the duty manager", "threshold": "breach", "clock_kind": "",
         "priorities": ["1"], "action": "notify", "email": "duty@example.com", "is_active": "on"},
    )  # fmt: skip
    rule = EscalationRule.objects.get()
    edited = admin_web.post(
        f"/incidents/escalations/{rule.pk}/",
        {"name": "P1 breach to major", "threshold": "breach", "clock_kind": "resolution",
         "priorities": ["1", "2"], "action": "reassign", "team": "major"},
    )  # fmt: skip

    assert (added.status_code, edited.status_code) == (303, 303)
    rule.refresh_from_db()
    assert (rule.action, rule.team.slug, rule.priorities, rule.is_active) == (
        "reassign",
        "major",
        [1, 2],
        False,
    )
    entry = AuditEntry.objects.get(object_id=str(rule.pk), action="update")
    assert set(entry.changes) == {
        "action", "team", "email", "priorities", "is_active", "name", "clock_kind"
    }  # fmt: skip
    listing = admin_web.get("/incidents/escalations/").content.decode()
    assert "P1 breach to major" in listing
    assert "Inactive" in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "n", "threshold": "breach", "action": "notify"}, "email",
         "the address to notify is needed"),
        ({"name": "n", "threshold": "breach", "action": "reassign"}, "team",
         "the team to reassign to is needed"),
        ({"name": "", "threshold": "breach", "action": "raise_priority"}, "name",
         "This field is required."),
    ],
    ids=["notify-without-address", "reassign-without-team", "no-name"],
)  # fmt: skip
def test_a_refused_rule_is_named_beside_its_field(admin_web, data, field, message):
    response = admin_web.post("/incidents/escalations/new/", data)
    assert response.status_code == 422
    assert errors_beside(response.content, field) == [message]
    assert not EscalationRule.objects.exists()


def test_an_unknown_rule_or_category_is_the_404_page(admin_web):
    assert admin_web.get("/incidents/escalations/999/").status_code == 404
    assert admin_web.get("/incidents/categories/no-such/").status_code == 404


def test_services_refuse_agents(agent_user):
    agent = as_actor(agent_user)
    with pytest.raises(PermissionDenied, match="Only administrators"):
        services.priority_matrix_update(agent, cells={(1, 1): 5})
    with pytest.raises(PermissionDenied, match="Only administrators"):
        services.escalation_rule_create(agent, name="x", threshold="breach", action="notify")
    assert PriorityRule.objects.get(impact=1, urgency=1).priority == 1


def test_team_assignment_is_set_per_team_and_audited(admin_web):
    desk = factories.TeamFactory(name="Desk", slug="desk")
    net = factories.TeamFactory(name="Net", slug="net")
    TeamAssignment.objects.create(team=net, mode="round_robin")
    factories.TeamFactory(name="Gone", slug="gone", is_active=False)

    page = admin_web.get("/incidents/assignment/")
    chosen = {
        s.attrs["name"]: [o.attrs["value"] for o in elements(page.content, "option")
                          if s in o.ancestors and "selected" in o.attrs]
        for s in elements(page.content, "select")
    }  # fmt: skip
    response = admin_web.post(
        "/incidents/assignment/", {"mode_desk": "least_loaded", "mode_net": "round_robin"}
    )

    assert chosen == {"mode_desk": ["team"], "mode_net": ["round_robin"]}  # no inactive team
    assert response.status_code == 303
    assert TeamAssignment.objects.get(team=desk).mode == "least_loaded"
    rule = TeamAssignment.objects.get(team=desk)
    assert AuditEntry.objects.get(object_id=str(rule.pk)).changes == {
        "mode": ["team", "least_loaded"]
    }
    assert AuditEntry.objects.filter(object_id=str(net.assignment.pk)).count() == 0
    assert "Assignment saved for Desk." in admin_web.get("/incidents/assignment/").content.decode()


def test_an_unknown_assignment_mode_is_named_beside_its_team(admin_web):
    factories.TeamFactory(name="Desk", slug="desk")
    response = admin_web.post("/incidents/assignment/", {"mode_desk": "lottery"})
    assert response.status_code == 422
    assert "one of: team, round_robin, least_loaded" in response.content.decode()
    assert not TeamAssignment.objects.exists()
