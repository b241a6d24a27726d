"""CMDB writes in the web: CI forms built from the class schema, relationships from the CI
page, class editing; permissions, validation errors beside fields, stale versions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from steward.cmdb.models import CIClass, ConfigurationItem, Relationship
from steward.cmdb.services import ci_class_create, ci_class_update, ci_update, relationship_create
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.web.forms import STALE_MESSAGE
from tests import factories
from tests.cmdb.conftest import SYSTEM, make_ci
from tests.web.html import elements, text_of


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(db) -> Client:
    return signed_in(factories.UserFactory(username="am", roles=[Role.AGENT, Role.ASSET_MANAGER]))


@pytest.fixture
def root(db) -> Client:
    return signed_in(factories.admin(username="root"))


def field_errors(html: bytes, name: str) -> list[str]:
    """The errors shown beside input ``name`` (inside its field wrapper)."""
    [control] = [e for e in elements(html) if e.attrs.get("name") == name]
    [wrapper] = [e for e in control.ancestors if "field" in e.attrs.get("class", "").split()]
    errors = elements(html, "span", **{"class": "error"})
    return [text_of(s) for s in errors if wrapper in s.ancestors]


def form_data(**values) -> dict:
    base = {
        "name": "web01",
        "ci_class": "server",
        "status": "live",
        "environment": "production",
        "criticality": "3",
    }
    return base | values


def test_the_create_form_has_a_typed_input_per_attribute_of_the_class(manager):
    page = manager.get("/cmdb/cis/new/", {"class": "server"})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="attr_cpu_count" ' in html
    assert 'type="number"' in html
    assert 'name="attr_purchase_date"' in html
    assert 'type="date"' in html
    assert '<option value="linux">linux</option>' in html  # the os enum is a select
    assert 'name="attr_vm_uuid"' not in html  # a subclass's attribute is not a server's


def test_choosing_a_class_re_renders_the_attribute_fields_keeping_values(manager):
    fragment = manager.get(
        "/cmdb/attribute-fields/",
        {"ci_class": "virtual_machine", "attr_fqdn": "vm1.example.com", "attr_colour": "x"},
        headers={"HX-Request": "true"},
    )

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert 'name="attr_vm_uuid"' in html
    assert 'name="attr_hypervisor"' in html
    assert 'value="vm1.example.com"' in html
    assert 'hx-get="/pick/ci-server/"' in html  # the host reference's picker offers servers


def test_creating_a_ci_through_the_form(manager):
    response = manager.post(
        "/cmdb/cis/new/",
        form_data(
            attr_fqdn="web01.example.com",
            attr_cpu_count="8",
            attr_os="linux",
            attr_memory_gb="15.5",
            attr_purchase_date="2024-02-29",
        ),
    )

    ci = ConfigurationItem.objects.get(name="web01")
    assert response.status_code == 303  # a reload never posts again (decision 0010)
    assert response["Location"] == f"/cmdb/cis/{ci.number}/"
    assert ci.attributes == {
        "fqdn": "web01.example.com",
        "cpu_count": 8,
        "os": "linux",
        "memory_gb": "15.5",
        "purchase_date": "2024-02-29",
    }


def test_service_errors_are_shown_beside_their_fields_and_nothing_is_written(manager, db):
    CIClass.objects.filter(slug="server").update(
        attributes=[
            *CIClass.objects.get(slug="server").attributes,
            {"name": "rack", "type": "string", "required": True},
        ]
    )
    response = manager.post(
        "/cmdb/cis/new/", form_data(name="", attr_ip_address="300.1.1.1", attr_cpu_count="x")
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert "attr_cpu_count" in form.errors  # typed by the form
    assert not ConfigurationItem.objects.exists()
    response = manager.post("/cmdb/cis/new/", form_data(attr_ip_address="300.1.1.1"))
    form = response.context["form"]
    assert response.status_code == 422
    assert form.errors["attr_ip_address"] == ["expected an IPv4 or IPv6 address"]
    assert form.errors["attr_rack"] == ["required for this class"]
    assert not ConfigurationItem.objects.exists()


def test_editing_a_ci_changes_only_what_was_changed(manager):
    ci = make_ci("server", name="db01", attributes={"fqdn": "db01", "os": "linux"})
    page = manager.get(f"/cmdb/cis/{ci.number}/edit/")
    assert page.status_code == 200
    assert 'value="db01"' in page.content.decode()

    response = manager.post(
        f"/cmdb/cis/{ci.number}/edit/",
        form_data(name="db01", version="1", attr_fqdn="db01", attr_os="windows"),
    )

    assert response.status_code == 303
    assert response["Location"] == f"/cmdb/cis/{ci.number}/"
    ci.refresh_from_db()
    assert (ci.version, ci.attributes) == (2, {"fqdn": "db01", "os": "windows"})


def test_a_stale_edit_keeps_the_input_says_so_and_offers_a_reload(manager):
    ci = make_ci("server", name="db01")
    ci_update(SYSTEM, number=ci.number, expected_version=1, changes={"description": "theirs"})

    response = manager.post(f"/cmdb/cis/{ci.number}/edit/", form_data(name="mine", version="1"))

    html = response.content.decode()
    assert response.status_code == 422  # the form again, which htmx swaps too (decision 0010)
    assert str(STALE_MESSAGE) in html
    assert f'<a href="/cmdb/cis/{ci.number}/edit/">Reload</a>' in html
    assert 'value="mine"' in html
    assert ConfigurationItem.objects.get(pk=ci.pk).name == "db01"
    assert ConfigurationItem.objects.get(pk=ci.pk).version == 2
    # reloaded, the form holds their version; saving sends only what was changed
    reloaded = manager.get(f"/cmdb/cis/{ci.number}/edit/").content.decode()
    assert 'name="version" value="2"' in reloaded
    again = manager.post(f"/cmdb/cis/{ci.number}/edit/", form_data(name="mine", version="2"))
    assert again.status_code == 303
    assert ConfigurationItem.objects.get(pk=ci.pk).name == "mine"
    assert ConfigurationItem.objects.get(pk=ci.pk).description == "theirs"


def test_relating_and_unrelating_from_the_ci_page(manager):
    app, srv = make_ci("application"), make_ci("server")
    headers = {"HX-Request": "true"}

    added = manager.post(
        f"/cmdb/cis/{app.number}/relationships/",
        {"direction": "out", "type": "runs_on", "other": srv.number.lower()},
        headers=headers,
    )
    assert added.status_code == 200
    rel = Relationship.objects.get(source=app, target=srv)
    assert 'id="relationships-card"' in added.content.decode()
    assert srv.number in added.content.decode()
    refused = manager.post(
        f"/cmdb/cis/{app.number}/relationships/",
        {"direction": "in", "type": "runs_on", "other": "CI9999999"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "<html" not in refused.content.decode()  # only the card, swapped in place
    assert 'id="relationships-card"' in refused.content.decode()
    assert field_errors(refused.content, "other") == [
        "No configuration item is named “CI9999999”. Check the name or number."
    ]
    assert Relationship.objects.count() == 1
    removed = manager.post(
        f"/cmdb/cis/{srv.number}/relationships/{rel.id}/remove/", headers=headers
    )
    assert removed.status_code == 200
    assert 'id="relationships-card"' in removed.content.decode()
    assert app.number not in removed.content.decode()
    assert not Relationship.objects.exists()


def test_relating_without_javascript_goes_back_to_the_ci_page(manager):
    app, srv = make_ci("application"), make_ci("server")

    added = manager.post(
        f"/cmdb/cis/{app.number}/relationships/",
        {"direction": "out", "type": "runs_on", "other": srv.number},
    )
    assert added.status_code == 303
    assert added["Location"] == f"/cmdb/cis/{app.number}/"
    rel = Relationship.objects.get(source=app, target=srv)
    refused = manager.post(
        f"/cmdb/cis/{app.number}/relationships/",
        {"direction": "out", "type": "runs_on", "other": app.number},
    )
    assert refused.status_code == 422
    assert "<html" in refused.content.decode()  # the whole CI page, the reason in its card
    assert field_errors(refused.content, "other") == ["a CI cannot be related to itself"]
    assert Relationship.objects.count() == 1
    removed = manager.post(f"/cmdb/cis/{app.number}/relationships/{rel.id}/remove/")
    assert removed.status_code == 303
    assert removed["Location"] == f"/cmdb/cis/{app.number}/"
    assert not Relationship.objects.exists()


def test_removing_another_cis_relationship_through_this_page_is_404(manager):
    a, b, c = make_ci(), make_ci(), make_ci()
    rel = relationship_create(SYSTEM, source=a.number, target=b.number, type="depends_on")

    assert manager.post(f"/cmdb/cis/{c.number}/relationships/{rel.id}/remove/").status_code == 404
    assert Relationship.objects.filter(pk=rel.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("agent", 403), ("requester", 404)], ids=["agent-403", "requester-404"]
)
def test_only_writers_reach_the_forms(db, who, status):
    user = factories.agent() if who == "agent" else factories.requester()
    client = signed_in(user)
    ci = make_ci()
    a = make_ci("application")

    assert client.get("/cmdb/cis/new/").status_code == status
    assert client.post("/cmdb/cis/new/", form_data()).status_code == status
    assert client.get(f"/cmdb/cis/{ci.number}/edit/").status_code in (status, 404)
    assert client.post(
        f"/cmdb/cis/{ci.number}/relationships/",
        {"direction": "out", "type": "runs_on", "other": a.number},
    ).status_code in (status, 404)
    assert ConfigurationItem.objects.count() == 2
    assert not Relationship.objects.exists()
    if who == "agent":
        detail = client.get(f"/cmdb/cis/{ci.number}/").content.decode()
        assert "/edit/" not in detail
        assert "Add a relationship" not in detail


def test_the_detail_page_shows_history_and_a_past_state(manager):
    ci = make_ci("server", name="old-name", attributes={"os": "linux"})
    actor = Actor(user=factories.admin())
    then = timezone.now()
    ci_update(actor, number=ci.number, expected_version=1, changes={"name": "new-name"})

    now = manager.get(f"/cmdb/cis/{ci.number}/").content.decode()
    past = manager.get(f"/cmdb/cis/{ci.number}/", {"as_of": then.isoformat()})
    before = manager.get(f"/cmdb/cis/{ci.number}/", {"as_of": "2001-01-01T00:00"})
    bad = manager.get(f"/cmdb/cis/{ci.number}/", {"as_of": "someday"})

    assert 'id="history"' in now
    assert "new-name" in now
    history = now.split('id="history"')[1]
    assert "(Web)" in history  # the channel in words, not its stored code "web"
    assert "(web)" not in history
    assert "Past state" not in now
    html = past.content.decode()
    assert past.status_code == 200
    assert "Past state, read-only" in html
    assert "old-name" in html.split('id="history"')[0]
    assert "/edit/" not in html
    assert "Add a relationship" not in html
    assert before.status_code == 404
    assert "did not exist yet" in before.content.decode()
    assert bad.status_code == 422


def test_an_admin_creates_and_edits_a_class(root):
    page = root.get("/cmdb/ci-classes/new/")
    assert page.status_code == 200
    response = root.post(
        "/cmdb/ci-classes/new/",
        {
            "name": "Firewall",
            "slug": "firewall",
            "parent": "",
            "description": "",
            "rows": "2",
            "a0_name": "zone",
            "a0_type": "enum",
            "a0_choices": "dmz, internal",
            "a0_required": "on",
            "a1_name": "",
            "is_active": "on",
            "identification_keys": "zone",
        },
    )
    assert response.status_code == 303, response.context["form"].errors
    assert response["Location"] == "/cmdb/ci-classes/firewall/"
    cls = CIClass.objects.get(slug="firewall")
    assert cls.attributes == [
        {"name": "zone", "type": "enum", "required": True, "choices": ["dmz", "internal"]}
    ]
    edit = root.get("/cmdb/ci-classes/firewall/")
    assert edit.status_code == 200
    assert 'value="zone"' in edit.content.decode()

    bad = root.post(
        "/cmdb/ci-classes/firewall/",
        {
            "name": "Firewall",
            "slug": "firewall",
            "version": "1",
            "rows": "1",
            "is_active": "on",
            "a0_name": "fqdn",
            "a0_type": "colour",
            "identification_keys": "",
        },
    )
    assert bad.status_code == 422
    assert CIClass.objects.get(slug="firewall").version == 1


def test_a_stale_class_edit_keeps_the_input_and_offers_a_reload(root):
    ci_class_update(
        Actor(user=factories.admin()),
        slug="server",
        expected_version=None,
        changes={"description": "theirs"},
    )
    current = CIClass.objects.get(slug="server")

    response = root.post(
        "/cmdb/ci-classes/server/",
        {
            "name": "Mine",
            "slug": "server",
            "version": str(current.version - 1),
            "rows": "0",
            "is_active": "on",
        },
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert str(STALE_MESSAGE) in html
    assert '<a href="/cmdb/ci-classes/server/">Reload</a>' in html
    assert 'value="Mine"' in html
    after = CIClass.objects.get(slug="server")
    assert (after.name, after.version, after.description) == (
        current.name,
        current.version,
        "theirs",
    )


def test_a_class_attribute_in_use_cannot_be_removed_in_the_web(root):
    root.post(
        "/cmdb/ci-classes/new/",
        {
            "name": "Firewall",
            "slug": "firewall",
            "rows": "1",
            "a0_name": "zone",
            "a0_type": "string",
            "is_active": "on",
        },
    )
    make_ci("firewall", attributes={"zone": "dmz"})

    response = root.post(
        "/cmdb/ci-classes/firewall/",
        {
            "name": "Firewall",
            "slug": "firewall",
            "version": "1",
            "rows": "1",
            "a0_name": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 422
    assert "zone is still set on CIs of firewall" in response.content.decode()
    assert CIClass.objects.get(slug="firewall").attributes[0]["name"] == "zone"


def test_only_admins_edit_classes_in_the_web(manager, db):
    assert manager.get("/cmdb/ci-classes/").status_code == 200
    assert manager.get("/cmdb/ci-classes/new/").status_code == 403
    assert manager.post("/cmdb/ci-classes/server/", {"name": "x"}).status_code == 403
    assert signed_in(factories.requester()).get("/cmdb/ci-classes/").status_code == 404


def test_a_limited_asset_managers_new_ci_belongs_to_their_organisation(db):
    home = factories.OrganisationFactory(slug="home")
    user = factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER])
    user.served_organisations.set([home])

    response = signed_in(user).post("/cmdb/cis/new/", form_data(name="limited-ci"))

    assert response.status_code == 303
    assert ConfigurationItem.objects.get(name="limited-ci").organisation == home


def test_clearing_a_team_in_the_edit_form_unsets_it(manager):
    team = factories.TeamFactory()
    ci = make_ci("server", name="db01", owner_team=team.slug)

    response = manager.post(
        f"/cmdb/cis/{ci.number}/edit/",
        form_data(name="db01", version="1", owner_team="", **{"initial-owner_team": team.slug}),
    )

    assert response.status_code == 303
    assert ConfigurationItem.objects.get(pk=ci.pk).owner_team is None


def test_the_class_form_names_the_class_its_attributes_are_inherited_from(root):
    html = root.get("/cmdb/ci-classes/virtual_machine/").content.decode()

    # the parent's name, as the list of classes shows it (the defect: its slug, "server")
    assert "Inherited from Server:" in html
    assert "Inherited from server:" not in html


def _drawn_form(html: bytes) -> dict[str, str]:
    """What the class form sends as drawn: its inputs' values (checked boxes only), the
    selected option of each choice and the text areas left as they are not read here."""
    data = {}
    for e in elements(html, "input"):
        name, kind = e.attrs.get("name"), e.attrs.get("type")
        if name and (kind != "checkbox" or "checked" in e.attrs):
            data[name] = e.attrs.get("value") or ("on" if kind == "checkbox" else "")
    for select in elements(html, "select"):
        chosen = [
            o for o in elements(html, "option") if select in o.ancestors and "selected" in o.attrs
        ]
        data[select.attrs["name"]] = chosen[0].attrs.get("value", "") if chosen else ""
    return data


def test_renaming_an_identification_key_attribute_takes_the_key_along(root):
    ci_class_create(
        Actor(user=factories.admin()),
        name="Probe",
        slug="probe",
        attributes=[{"name": "host", "type": "string", "required": False}],
        identification_keys=["host"],
    )
    data = _drawn_form(root.get("/cmdb/ci-classes/probe/").content)
    assert data["identification_keys"] == "host"

    # the person renames the attribute in its row and leaves the keys as they read
    response = root.post("/cmdb/ci-classes/probe/", data | {"a0_name": "hostname"})

    # the defect: refused, "not attributes of this class: host"
    assert response.status_code == 303
    cls = CIClass.objects.get(slug="probe")
    assert [a["name"] for a in cls.attributes] == ["hostname"]
    assert cls.identification_keys == ["hostname"]
