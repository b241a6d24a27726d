"""The Automation pages: who sees them, the rule form with its rows (add, remove, errors
beside the row they name), the toggle, the delete, the rule page's run log and dry run."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.automation.models import Rule
from steward.incidents.services import incident_create
from tests.automation.conftest import rule
from tests.query_counts import grows

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "name": "Route VPN",
    "trigger": "created",
    "trigger_status": "",
    "position": "",
    "is_active": "on",
    "condition-0-field": "title",
    "condition-0-operator": "contains",
    "condition-0-value": "vpn",
    "action-0-action": "assign_team",
    "action-0-value": "network",
    "save": "1",
}


def test_requesters_get_404_agents_read_only(admin_actor, requester_user, agent_user, network):
    made = rule(admin_actor)
    requester = client_for(requester_user)
    for url in ("/automation/", f"/automation/{made.pk}/", "/automation/new/"):
        assert requester.get(url).status_code == 404
    agent = client_for(agent_user)
    page = agent.get("/automation/")
    assert page.status_code == 200
    assert b"Route VPN" in page.content
    assert b"New rule" not in page.content
    assert agent.get(f"/automation/{made.pk}/").status_code == 200
    assert agent.get("/automation/new/").status_code == 404
    assert agent.get(f"/automation/{made.pk}/edit/").status_code == 404
    assert agent.post(f"/automation/{made.pk}/toggle/").status_code == 404
    assert agent.post(f"/automation/{made.pk}/delete/").status_code == 404
    assert Rule.objects.get().is_active


def test_the_menu_lights_automation_for_agents(agent_user, requester_user):
    assert b'href="/automation/"' in client_for(agent_user).get("/automation/").content
    assert b'href="/automation/"' not in client_for(requester_user).get("/").content


def test_an_administrator_creates_a_rule_in_the_form(admin_user, network):
    client = client_for(admin_user)
    assert client.get("/automation/new/").status_code == 200
    response = client.post("/automation/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Rule.objects.get()
    assert made.conditions == [{"field": "title", "operator": "contains", "value": "vpn"}]
    assert made.actions == [{"action": "assign_team", "value": "network"}]
    assert response["Location"] == f"/automation/{made.pk}/"


def test_rows_are_added_and_removed_without_saving(admin_user, network):
    client = client_for(admin_user)
    data = {k: v for k, v in FORM.items() if k != "save"}
    added = client.post("/automation/new/", {**data, "add_condition": "1"})
    assert added.status_code == 200
    assert b'name="condition-1-field"' in added.content
    more = client.post("/automation/new/", {**data, "add_action": "1"})
    assert b'name="action-1-action"' in more.content
    removed = client.post("/automation/new/", {**data, "remove_condition": "0"})
    assert b'name="condition-0-field"' not in removed.content
    assert not Rule.objects.exists()


def test_a_bad_row_is_shown_beside_itself(admin_user, network):
    client = client_for(admin_user)
    bad = {
        **FORM,
        "condition-0-field": "priority",
        "condition-0-operator": "",
        "condition-0-value": "9",
    }
    response = client.post("/automation/new/", bad)
    assert response.status_code == 422
    assert b"a whole number from 1 to 5" in response.content
    unknown_team = {**FORM, "action-0-value": "ghosts"}
    assert b"no such team" in client.post("/automation/new/", unknown_team).content
    no_name = client.post("/automation/new/", {**FORM, "name": ""})
    assert no_name.status_code == 422
    assert not Rule.objects.exists()


def test_edit_toggle_and_delete(admin_user, admin_actor, network):
    made = rule(admin_actor)
    client = client_for(admin_user)
    page = client.get(f"/automation/{made.pk}/edit/")
    assert b'value="vpn"' in page.content
    edited = client.post(
        f"/automation/{made.pk}/edit/", {**FORM, "name": "Route VPN calls", "version": "1"}
    )
    assert edited.status_code == 302
    made.refresh_from_db()
    assert (made.name, made.version) == ("Route VPN calls", 2)
    stale = client.post(f"/automation/{made.pk}/edit/", {**FORM, "version": "1"})
    assert stale.status_code == 412
    assert client.post(f"/automation/{made.pk}/toggle/").status_code == 302
    made.refresh_from_db()
    assert not made.is_active
    assert client.post(f"/automation/{made.pk}/delete/").status_code == 302
    assert not Rule.objects.exists()


def test_the_rule_page_shows_runs_and_a_dry_run(admin_user, admin_actor, caller, network):
    made = rule(admin_actor)
    incident = incident_create(admin_actor, title="VPN", caller=caller.username)
    client = client_for(admin_user)
    page = client.get(f"/automation/{made.pk}/")
    assert incident.number.encode() in page.content
    assert b"team: \xe2\x80\x94 \xe2\x86\x92 network" in page.content
    dry = client.get(f"/automation/{made.pk}/", {"incident": incident.number})
    assert b"matches." in dry.content
    assert b"no change" in dry.content  # already routed
    missing = client.get(f"/automation/{made.pk}/", {"incident": "INC-404404"})
    assert missing.status_code == 422
    assert b"No such incident" in missing.content


def test_a_rule_without_actions_says_so_beside_the_action_rows(admin_user, network):
    """Not "actions: at least one action" at the form's top with no action row left to fill."""
    client = client_for(admin_user)
    no_action = {k: v for k, v in FORM.items() if not k.startswith("action-")}
    response = client.post("/automation/new/", no_action)
    assert response.status_code == 422
    page = response.content.decode()
    assert '<p class="error" id="actions-error">at least one action</p>' in page
    assert "actions: at least one action" not in page
    assert 'name="action-0-action"' in page  # a row ready to fill in
    assert not Rule.objects.exists()


def test_the_rule_page_names_its_parts_not_their_codes(admin_user, admin_actor, network):
    made = rule(
        admin_actor,
        trigger="status_changed",
        trigger_status="in_progress",
        conditions=[
            {"field": "status", "operator": "is_not", "value": "on_hold"},
            {"field": "team", "operator": "is", "value": ""},
        ],
        actions=[{"action": "assign_team", "value": "network"}],
    )
    page = client_for(admin_user).get(f"/automation/{made.pk}/").content.decode()
    assert "Incident status changed: In progress" in page
    assert "<li>Status is not <code>On hold</code></li>" in page
    assert "<li>Team is <code>(none)</code></li>" in page
    assert "<li>Assign to team <code>Network</code></li>" in page
    for code in ("in_progress", "is_not", "on_hold", "assign_team"):
        assert code not in page.split('id="dry-run"')[0].split("<main")[1], code


def test_the_dry_run_takes_the_number_as_typed(admin_user, admin_actor, caller, network):
    made = rule(admin_actor)
    incident = incident_create(admin_actor, title="VPN", caller=caller.username)
    typed = f"{incident.number[:3].lower()}-{incident.number[3:]} "
    dry = client_for(admin_user).get(f"/automation/{made.pk}/", {"incident": typed})
    assert dry.status_code == 200
    assert f"{incident.number} matches.".encode() in dry.content
    assert b'placeholder="INC0000123"' in dry.content


def test_the_list_reads_no_more_with_more_rules(admin_user, admin_actor, network):
    client = client_for(admin_user)
    counter = iter(range(100))

    def add():
        rule(admin_actor, name=f"rule {next(counter)}")

    few, many = grows(add, lambda: client.get("/automation/"))
    assert few == many


def test_a_german_administrator_reads_a_rules_order_not_a_purchase(admin_user, admin_actor):
    """A rule's "Order" is its place in the sequence (Reihenfolge), not the catalogue's
    "Order" button (Bestellen)."""
    from tests.web.conftest import reads_german

    made = rule(admin_actor, actions=[{"action": "add_note", "value": "Seen."}])
    client = client_for(reads_german(admin_user, desk=False))
    for url in ("/automation/", f"/automation/{made.pk}/", "/automation/new/"):
        page = client.get(url).content.decode()
        assert "Reihenfolge" in page, url
        assert "Bestellen" not in page, url


def test_a_status_or_channel_is_typed_by_its_name(admin_user, network):
    """A status typed as the incident's page names it ("In progress"), not only its code;
    the edit form shows the name again, and a German reader types German."""
    client = client_for(admin_user)
    typed = {
        **FORM,
        "condition-1-field": "status",
        "condition-1-operator": "is",
        "condition-1-value": "in PROGRESS",
        "condition-2-field": "channel",
        "condition-2-operator": "is_not",
        "condition-2-value": "email",
    }
    assert client.post("/automation/new/", typed).status_code == 302
    made = Rule.objects.get()
    assert made.conditions[1:] == [
        {"field": "status", "operator": "is", "value": "in_progress"},
        {"field": "channel", "operator": "is_not", "value": "email"},
    ]
    edit = client.get(f"/automation/{made.pk}/edit/").content.decode()
    assert 'name="condition-1-value" value="In progress"' in edit
    assert 'name="condition-2-value" value="Email"' in edit

    from tests.web.conftest import reads_german

    german = client_for(reads_german(admin_user, desk=False))
    again = {**typed, "name": "Auf Arbeit", "condition-1-value": "In Arbeit", "version": "1"}
    assert german.post(f"/automation/{made.pk}/edit/", again).status_code == 302
    made.refresh_from_db()
    assert made.conditions[1]["value"] == "in_progress"


def test_a_status_for_another_trigger_is_told_in_the_forms_words(admin_user, network):
    """Not "a status (new, assigned, …), for the trigger status_changed only"."""
    client = client_for(admin_user)
    response = client.post("/automation/new/", {**FORM, "trigger_status": "resolved"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Only with “When: Incident status changed”." in page
    assert "status_changed only" not in page
    assert not Rule.objects.exists()


def test_a_comparison_the_field_does_not_take_is_told_in_words(admin_user, network):
    """Not "one of: is, is_not": the form's words for what each field takes."""
    client = client_for(admin_user)
    bad = {**FORM, "condition-0-field": "team", "condition-0-value": "network"}  # contains
    response = client.post("/automation/new/", bad)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Title and description take “contains”; every other field “is” or “is not”." in page
    assert "one of: is" not in page
