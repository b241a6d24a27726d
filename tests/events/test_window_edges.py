"""Maintenance windows at their edges (decision 0105): a limited agent may not end or
delete a window whose node pattern holds every organisation's alerts; a moment the
database cannot hold is a 422; the page edits a window whose times carry seconds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from steward.core.models import AuditEntry
from steward.events import services
from steward.events.models import MaintenanceWindow
from tests import factories
from tests.conftest import api_client_for, as_actor
from tests.events.test_windows import URL, now, window_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited_api():
    user = factories.agent(username="limited-ops")
    user.served_organisations.add(factories.OrganisationFactory(slug="acme"))
    return api_client_for(user)


@pytest.fixture
def pattern_window():
    return window_on(as_actor(factories.agent(username="ops-everyone")), pattern="db*")


@pytest.mark.parametrize("how", ["end", "delete"])
def test_a_limited_agent_neither_ends_nor_deletes_a_node_pattern_window(
    limited_api, pattern_window, how
):
    path = f"{URL}/{pattern_window.pk}"
    assert limited_api.get(path).status_code == 200  # read, as decision 0105 says

    response = limited_api.post(f"{path}/end") if how == "end" else limited_api.delete(path)

    assert response.status_code == 403, response.content
    assert list(response.json()["error"]["fields"]) == ["node_pattern"]
    window = MaintenanceWindow.objects.get()
    assert (window.ends_at, window.version) == (pattern_window.ends_at, 1)
    assert not AuditEntry.objects.filter(
        content_type__model="maintenancewindow", action__in=["update", "delete"]
    ).exists()


def test_a_limited_agents_delete_button_shows_the_refusal(pattern_window):
    user = factories.agent(username="limited-web")
    user.served_organisations.add(factories.OrganisationFactory(slug="acme"))
    client = Client()
    client.force_login(user)

    response = client.post(f"/events/windows/{pattern_window.pk}/delete/", {"version": "1"})

    assert response.status_code == 403
    assert "every organisation" in response.content.decode()
    assert MaintenanceWindow.objects.exists()


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"], ids=["late", "early"]
)
def test_a_moment_out_of_range_is_a_422_naming_active_at(agent_api, agent_user, moment):
    response = agent_api.get(URL, {"active_at": moment})

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["active_at"]
    client = Client()
    client.force_login(agent_user)
    assert client.get("/events/windows/", {"active_at": moment}).status_code == 422


def test_the_page_edits_the_reason_of_an_ended_window(agent_user, agent_actor):
    window = window_on(agent_actor, pattern="db*")
    services.window_end(agent_actor, pk=window.pk, expected_version=None)
    window.refresh_from_db()
    assert window.ends_at.second or window.ends_at.microsecond  # "End now" keeps seconds
    client = Client()
    client.force_login(agent_user)
    shown = {
        "version": window.version,
        "name": window.name,
        "reason": "firmware 2.1 after all",
        "starts_at": timezone.localtime(window.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(window.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "configuration_items": "",
        "node_pattern": window.node_pattern,
    }

    response = client.post(f"/events/windows/{window.pk}/", shown)

    assert response.status_code == 303, response.content.decode()[-3000:]
    edited = MaintenanceWindow.objects.get()
    assert edited.reason == "firmware 2.1 after all"
    assert (edited.starts_at, edited.ends_at) == (window.starts_at, window.ends_at)


def test_the_page_keeps_the_seconds_of_times_it_did_not_change(agent_user, agent_actor):
    start = now().replace(microsecond=0) + dt.timedelta(hours=1, seconds=17)
    window = window_on(agent_actor, pattern="db*", start=start)
    client = Client()
    client.force_login(agent_user)
    shown = {
        "version": window.version,
        "name": "Patch night, part 2",
        "reason": "",
        "starts_at": timezone.localtime(window.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(window.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "configuration_items": "",
        "node_pattern": "db*",
    }

    assert client.post(f"/events/windows/{window.pk}/", shown).status_code == 303

    edited = MaintenanceWindow.objects.get()
    assert edited.name == "Patch night, part 2"
    assert (edited.starts_at, edited.ends_at) == (window.starts_at, window.ends_at)


def _page_for(user, window) -> str:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    response = client.get(f"/events/windows/{window.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_limited_agent_reads_a_node_pattern_window_with_nothing_offered(pattern_window):
    """The page offers no button the services would refuse: no Save, End now or Delete, the
    fields shown disabled, and the reason said."""
    user = factories.agent(username="limited-reader")
    user.served_organisations.add(factories.OrganisationFactory(slug="acme"))

    page = _page_for(user, pattern_window)

    assert "every organisation changes a window with a node pattern" in page
    for action in ("/end/", "/delete/"):
        assert f"/events/windows/{pattern_window.pk}{action}" not in page
    assert 'type="submit"' not in page.split('id="main"', 1)[-1]
    assert 'name="name"' in page
    assert "disabled" in page.split('name="name"', 1)[1].split(">")[0]


def test_an_agent_serving_every_organisation_is_offered_every_action(pattern_window):
    page = _page_for(factories.agent(username="ops-all"), pattern_window)

    for action in ("/end/", "/delete/"):
        assert f"/events/windows/{pattern_window.pk}{action}" in page
    assert "every organisation changes a window" not in page
    assert "disabled" not in page.split('name="name"', 1)[1].split(">")[0]


def test_a_limited_agent_is_offered_the_actions_on_a_window_without_a_pattern():
    """Only the pattern makes a window every organisation's: one of her organisation's CIs
    stays hers to change."""
    organisation = factories.OrganisationFactory(slug="acme")
    user = factories.agent(username="limited-owner")
    user.served_organisations.add(organisation)
    window = window_on(as_actor(factories.agent(username="ops-everyone")), pattern="db*")
    MaintenanceWindow.objects.filter(pk=window.pk).update(node_pattern="")
    window.refresh_from_db()

    page = _page_for(user, window)

    assert f"/events/windows/{window.pk}/delete/" in page


def test_a_limited_agents_change_of_a_node_pattern_window_is_a_422_naming_it(
    limited_api, pattern_window
):
    """The third refusal of the one rule (``can_change_window``): a change, like the end and
    the delete above, leaves a window with a node pattern as it was."""
    response = limited_api.patch(f"{URL}/{pattern_window.pk}", {"name": "Mine now"})

    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"] == {
        "node_pattern": ["only an agent serving every organisation sets a node pattern"]
    }
    assert MaintenanceWindow.objects.get().name == pattern_window.name


def test_the_window_page_asks_the_rule_once(pattern_window, monkeypatch):
    """The form's fields and the buttons are drawn from one answer of the rule."""
    from steward.events import selectors

    asked = []
    rule = selectors.can_change_window

    def counted(actor, window):  # noqa: ANN001, ANN202
        asked.append(window.pk)
        return rule(actor, window)

    monkeypatch.setattr(selectors, "can_change_window", counted)
    user = factories.agent(username="limited-once")
    user.served_organisations.add(factories.OrganisationFactory(slug="acme"))

    _page_for(user, pattern_window)

    assert asked == [pattern_window.pk]


# --- an administrator limited to organisations (decision 0009: administrators see every row)


@pytest.fixture
def limited_admin():
    user = factories.admin(username="limited-root")
    user.served_organisations.add(factories.OrganisationFactory(slug="acme-admin"))
    return user


def test_a_limited_administrator_reads_every_window_as_she_reads_every_alert(limited_admin):
    """Pinned: the scoping rule leaves every row to an administrator, limited or not, so
    she reads a window naming another organisation's CI as she reads its alerts; a limited
    agent does not."""
    from tests.cmdb.conftest import make_ci

    other = factories.OrganisationFactory(slug="globex")
    theirs = window_on(
        as_actor(factories.agent(username="ops-g")), cis=[make_ci(organisation=other.slug)]
    )
    admin_api = api_client_for(limited_admin, scopes=("read", "write", "admin"))
    agent = factories.agent(username="limited-reader")
    agent.served_organisations.add(limited_admin.served_organisations.get())

    assert [w["id"] for w in admin_api.get(URL).json()["items"]] == [theirs.pk]
    assert admin_api.get(f"{URL}/{theirs.pk}").status_code == 200
    assert api_client_for(agent).get(URL).json()["items"] == []


def test_a_limited_administrator_keeps_node_pattern_windows(limited_admin, pattern_window):
    """She reads every organisation's alerts, so a pattern (which reaches them all) is hers
    to set, change and end, as the window she reads: the write rule now follows the read
    rule (it refused her a pattern as a limited agent, while showing her every window)."""
    admin_api = api_client_for(limited_admin, scopes=("read", "write", "admin"))

    made = admin_api.post(URL, {**_body(), "node_pattern": "web*"})
    assert made.status_code == 201, made.content
    changed = admin_api.patch(f"{URL}/{pattern_window.pk}", {"name": "Firmware night"})
    assert changed.status_code == 200, changed.content
    assert admin_api.post(f"{URL}/{pattern_window.pk}/end").status_code == 200


def test_an_administrators_token_without_the_admin_scope_is_limited(limited_admin):
    """Without the admin scope she is an agent limited to her organisations."""
    api = api_client_for(limited_admin, scopes=("read", "write"))

    response = api.post(URL, {**_body(), "node_pattern": "web*"})

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["node_pattern"]


def _body():
    from tests.events.test_windows import body

    return body()
