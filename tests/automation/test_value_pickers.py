"""The rule form offers the values a condition or action takes (decision 0104): each row's
value box names the <datalist> of the real teams, categories, organisations, agents,
statuses, channels or levels its field or action takes, drawn by the server, and "Offer
values" redraws the form for the fields just chosen (no script). The SLA triggers pick
their clock in the form."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.automation.models import Rule, RuleRun
from steward.core.models import User
from steward.incidents.services import category_create
from tests import factories
from tests.automation.conftest import rule
from tests.automation.test_views import FORM
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def options(html: bytes, kind: str) -> dict[str, str]:
    [datalist] = elements(html, "datalist", id=f"values-{kind}")
    found = [e for e in elements(html, "option") if datalist in e.ancestors]
    return {e.attrs["value"]: e.attrs.get("label", e.attrs["value"]) for e in found}


def value_box(html: bytes, name: str):
    [box] = elements(html, "input", name=name)
    return box


def test_each_row_offers_the_values_its_field_takes(admin_user, admin_actor, network, vpn):
    factories.OrganisationFactory(name="Acme Ltd", slug="acme")
    tunnel = category_create(admin_actor, name="Tunnel", parent=vpn.slug)
    client = client_for(admin_user)
    page = client.post(
        "/automation/new/",
        {
            **{k: v for k, v in FORM.items() if k != "save"},
            "condition-0-field": "team",
            "condition-0-operator": "is",
            "condition-0-value": "",
            "action-0-action": "set_category",
            "action-0-value": "",
            "choices": "1",
        },
    ).content
    assert value_box(page, "condition-0-value").attrs["list"] == "values-team"
    assert value_box(page, "action-0-value").attrs["list"] == "values-category"
    assert options(page, "team")["network"] == "Network"
    assert options(page, "category")[vpn.slug] == "Network access"
    assert tunnel.slug not in options(page, "category")
    assert options(page, "subcategory")[tunnel.slug] == "Tunnel"
    assert vpn.slug not in options(page, "subcategory")
    assert options(page, "organisation")["acme"] == "Acme Ltd"
    assert "netagent" in options(page, "agent")
    assert options(page, "priority")["1"] == "1 - Critical"
    assert "In progress" in options(page, "status")
    assert "Email" in options(page, "channel")
    assert set(options(page, "notify")) == {"team", "requester"}
    assert not Rule.objects.exists()  # "Offer values" saves nothing


def test_a_row_whose_field_changed_is_offered_its_values_on_redraw(admin_user, network):
    client = client_for(admin_user)
    data = {k: v for k, v in FORM.items() if k != "save"}
    page = client.post(
        "/automation/new/",
        {**data, "condition-0-field": "priority", "condition-0-value": "1", "choices": "1"},
    ).content
    box = value_box(page, "condition-0-value")
    assert (box.attrs["list"], box.attrs["value"]) == ("values-priority", "1")
    # text fields and notes take words: no list
    assert (
        "list" not in value_box(client.get("/automation/new/").content, "condition-0-value").attrs
    )
    assert (
        "list"
        not in value_box(
            client.post("/automation/new/", {**data, "choices": "1"}).content, "condition-0-value"
        ).attrs
    )


def test_a_value_picked_from_the_list_saves_as_the_api_takes_it(admin_user, network):
    client = client_for(admin_user)
    response = client.post(
        "/automation/new/",
        {
            **FORM,
            "condition-0-field": "status",
            "condition-0-operator": "is",
            "condition-0-value": "In progress",  # as the list offers it
        },
    )
    assert response.status_code == 302
    assert Rule.objects.get().conditions == [
        {"field": "status", "operator": "is", "value": "in_progress"}
    ]


def test_an_sla_rule_is_made_in_the_form_and_shown_with_its_clock(admin_user, admin_actor, network):
    client = client_for(admin_user)
    page = client.get("/automation/new/").content
    assert {
        e.attrs["value"]
        for e in elements(page, "option")
        if e.ancestors[-1].attrs.get("name") == "trigger"
    } >= {"sla_warning", "sla_breached"}
    response = client.post(
        "/automation/new/",
        {
            **FORM,
            "name": "Resolution breach",
            "trigger": "sla_breached",
            "trigger_clock": "resolution",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Rule.objects.get()
    assert (made.trigger, made.trigger_clock) == ("sla_breached", "resolution")
    shown = client.get(f"/automation/{made.pk}/").content.decode()
    assert "SLA clock breached: Resolution" in shown
    edit = client.get(f"/automation/{made.pk}/edit/").content
    [picked] = [e for e in elements(edit, "option", value="resolution") if "selected" in e.attrs]
    assert picked.ancestors[-1].attrs["name"] == "trigger_clock"
    listed = client.get("/automation/").content.decode()
    assert "SLA clock breached: Resolution" in listed


def test_a_clock_for_another_trigger_is_told_in_the_forms_words(admin_user, network):
    response = client_for(admin_user).post(
        "/automation/new/", {**FORM, "trigger": "created", "trigger_clock": "response"}
    )
    assert response.status_code == 422
    assert "Only with “When: SLA clock reaches its warning”" in response.content.decode()
    assert not Rule.objects.exists()


def test_the_run_log_names_the_clock(admin_user, admin_actor, network, caller):
    from django.utils import timezone

    from steward.incidents.services import incident_create

    made = rule(admin_actor, name="Breach", trigger="sla_breached", conditions=[])
    incident = incident_create(admin_actor, title="x", caller=caller.username)
    RuleRun.objects.create(
        rule=made,
        rule_name=made.name,
        incident=incident,
        trigger="sla_breached",
        at=timezone.now(),
        changes={"fields": {}, "clock": "response"},
    )
    page = client_for(admin_user).get(f"/automation/{made.pk}/").content.decode()
    assert "SLA clock breached (Response)" in page


def test_the_rule_page_names_what_the_form_offered_by_name(admin_user, admin_actor, network, vpn):
    """The form offers a team, a category and an agent by name, but the rule's page read
    them back as codes: "Assign to team network", "Category is network-access"."""
    made = rule(
        admin_actor,
        conditions=[
            {"field": "category", "operator": "is", "value": vpn.slug},
            {"field": "priority", "operator": "is", "value": "1"},
        ],
        actions=[
            {"action": "assign_team", "value": "network"},
            {"action": "assign_agent", "value": "netagent"},
            {"action": "add_note", "value": "Routed by a rule"},
        ],
    )
    shown = client_for(admin_user).get(f"/automation/{made.pk}/").content
    conditions = [text_of(e) for e in elements(shown, "li") if e.inside("ol", id="rule-conditions")]
    actions = [text_of(e) for e in elements(shown, "li") if e.inside("ol", id="rule-actions")]
    netagent = User.objects.get(username="netagent")
    assert conditions == ["Category is Network access", "Priority is 1 - Critical"]
    assert actions == [
        "Assign to team Network",
        f"Assign to agent {netagent.get_full_name()}",
        "Add internal work note Routed by a rule",
    ]
