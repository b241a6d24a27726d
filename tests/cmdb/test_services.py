"""CI and relationship writes: validated, permission-checked, audited, with outbox events;
every refused write leaves nothing behind."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from steward.cmdb.models import ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.services import ci_create, ci_update, relationship_create, relationship_delete
from steward.core.actor import Actor
from steward.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from tests import factories
from tests.cmdb.conftest import make_ci


def audits(obj) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def test_an_asset_manager_creates_a_ci_audited_with_an_event(asset_manager):
    ci = ci_create(
        asset_manager,
        name="db01",
        ci_class="server",
        attributes={"os": "linux", "cpu_count": 8, "ip_address": "10.1.2.3"},
        criticality=2,
    )

    assert ci.number.startswith("CI")
    assert len(ci.number) == 9
    assert ci.attributes == {"os": "linux", "cpu_count": 8, "ip_address": "10.1.2.3"}
    (entry,) = audits(ci)
    assert entry.action == "create"
    assert entry.changes["name"] == [None, "db01"]
    assert entry.changes["attributes"][1]["os"] == "linux"
    assert OutboxMessage.objects.filter(topic="ci.created", object_id=str(ci.pk)).count() == 1


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"cpu_count": "eight"}, "attributes.cpu_count"),
        ({"colour": "blue"}, "attributes.colour"),
        ({"os": "beos"}, "attributes.os"),
        ({"ip_address": "10.0.0.999"}, "attributes.ip_address"),
    ],
    ids=["wrong-type", "not-in-schema", "bad-enum", "bad-ip"],
)
def test_bad_attributes_are_refused_and_nothing_is_written(asset_manager, attributes, field):
    with pytest.raises(ValidationFailed) as exc:
        ci_create(asset_manager, name="x", ci_class="server", attributes=attributes)

    assert field in exc.value.fields
    assert not ConfigurationItem.objects.exists()
    assert not OutboxMessage.objects.filter(topic__startswith="ci.").exists()


def test_a_required_attribute_of_the_class_is_enforced(asset_manager):
    with pytest.raises(ValidationFailed) as exc:
        ci_create(asset_manager, name="edge", ci_class="network_device")

    assert exc.value.fields == {"attributes.device_type": ["required for this class"]}


def test_a_reference_must_name_an_existing_ci_of_the_right_class(asset_manager):
    app = make_ci("application")
    host = make_ci("virtual_machine")  # a VM is a server

    with pytest.raises(ValidationFailed) as missing:
        ci_create(asset_manager, name="db", ci_class="database", attributes={"host": "CI9999999"})
    with pytest.raises(ValidationFailed) as wrong_class:
        ci_create(asset_manager, name="db", ci_class="database", attributes={"host": app.number})
    db = ci_create(asset_manager, name="db", ci_class="database", attributes={"host": host.number})

    assert missing.value.fields == {
        "attributes.host": ["No configuration item is named “CI9999999”. Check the name or number."]
    }
    assert "attributes.host" in wrong_class.value.fields
    assert db.attributes["host"] == host.number


def test_a_reference_to_a_ci_the_writer_cannot_see_is_like_a_missing_one(db):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    user = factories.UserFactory(roles=["agent", "asset_manager"], organisation=home)
    user.served_organisations.set([home])
    hidden = make_ci("server", organisation=other.slug)

    with pytest.raises(ValidationFailed) as exc:
        ci_create(
            Actor(user=user), name="db", ci_class="database", attributes={"host": hidden.number}
        )

    assert exc.value.fields == {
        "attributes.host": [
            f"No configuration item is named “{hidden.number}”. Check the name or number."
        ]
    }


def test_a_limited_asset_manager_creates_in_their_organisation(db):
    home = factories.OrganisationFactory()
    user = factories.UserFactory(roles=["agent", "asset_manager"], organisation=home)
    user.served_organisations.set([home])

    ci = ci_create(Actor(user=user), name="srv", ci_class="server")

    assert ci.organisation == home


@pytest.mark.django_db  # its actor fixture, asked for by name, needs the database
@pytest.mark.parametrize("who", ["agent", "requester"])
def test_only_admins_and_asset_managers_write(request, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        ci_create(actor, name="x", ci_class="server")

    assert not ConfigurationItem.objects.exists()


def test_an_admin_writes(admin):
    assert ci_create(admin, name="x", ci_class="server").pk


def test_update_merges_attributes_and_audits_old_and_new(asset_manager):
    ci = make_ci("server", attributes={"os": "linux", "cpu_count": 4, "fqdn": "a.example"})

    updated = ci_update(
        asset_manager,
        number=ci.number,
        expected_version=ci.version,
        changes={"attributes": {"cpu_count": 8, "fqdn": None}, "status": "maintenance"},
    )

    assert updated.attributes == {"os": "linux", "cpu_count": 8}
    assert updated.version == ci.version + 1
    entry = audits(ci)[-1]
    assert entry.action == "update"
    assert entry.changes["status"] == ["live", "maintenance"]
    assert entry.changes["attributes"] == [
        {"os": "linux", "cpu_count": 4, "fqdn": "a.example"},
        {"os": "linux", "cpu_count": 8},
    ]
    assert OutboxMessage.objects.filter(topic="ci.updated", object_id=str(ci.pk)).exists()


def test_changing_the_class_revalidates_the_attributes(asset_manager):
    ci = make_ci("server", attributes={"os": "linux"})

    with pytest.raises(ValidationFailed) as exc:
        ci_update(
            asset_manager, number=ci.number, expected_version=None, changes={"ci_class": "storage"}
        )

    assert "attributes.os" in exc.value.fields
    ci.refresh_from_db()
    assert ci.ci_class.slug == "server"


def test_a_stale_version_changes_nothing(asset_manager):
    ci = make_ci("server")

    with pytest.raises(StaleVersion):
        ci_update(
            asset_manager,
            number=ci.number,
            expected_version=ci.version - 1,
            changes={"name": "renamed"},
        )

    assert ConfigurationItem.objects.get(pk=ci.pk).name == ci.name
    assert [e.action for e in audits(ci)] == ["create"]


def test_an_update_without_a_change_writes_nothing(asset_manager):
    ci = make_ci("server", attributes={"os": "linux"})

    ci_update(
        asset_manager,
        number=ci.number,
        expected_version=ci.version,
        changes={"attributes": {"os": "linux"}},
    )

    assert ConfigurationItem.objects.get(pk=ci.pk).version == ci.version
    assert len(audits(ci)) == 1


def test_a_ci_cannot_reference_itself(asset_manager):
    vm = make_ci("virtual_machine")

    with pytest.raises(ValidationFailed) as exc:
        ci_update(
            asset_manager,
            number=vm.number,
            expected_version=None,
            changes={"attributes": {"host": vm.number}},
        )

    assert exc.value.fields == {"attributes.host": ["a CI cannot refer to itself"]}


# --- relationships -------------------------------------------------------------------------


def test_relating_two_cis_is_audited_with_an_event(asset_manager):
    app, srv = make_ci("application"), make_ci("server")

    rel = relationship_create(asset_manager, source=app.number, target=srv.number, type="runs_on")

    assert (rel.source, rel.target, rel.type.slug) == (app, srv, "runs_on")
    (entry,) = audits(rel)
    assert entry.changes == {
        "source": [None, app.number],
        "target": [None, srv.number],
        "type": [None, "runs_on"],
    }
    assert OutboxMessage.objects.filter(topic="relationship.created").count() == 1


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("self", "target"),
        ("missing-source", "source"),
        ("missing-target", "target"),
        ("bad-type", "type"),
        ("duplicate", "target"),
    ],
)
def test_bad_relationships_are_422_naming_the_field_and_write_nothing(asset_manager, case, field):
    app, srv = make_ci("application"), make_ci("server")
    relationship_create(asset_manager, source=app.number, target=srv.number, type="runs_on")
    before = (Relationship.objects.count(), AuditEntry.objects.count())
    source, target, kind = {
        "self": (app.number, app.number, "runs_on"),
        "missing-source": ("CI9999999", srv.number, "runs_on"),
        "missing-target": (app.number, "CI9999999", "runs_on"),
        "bad-type": (app.number, srv.number, "loves"),
        "duplicate": (app.number, srv.number, "runs_on"),
    }[case]

    with pytest.raises(ValidationFailed) as exc:
        relationship_create(asset_manager, source=source, target=target, type=kind)

    assert field in exc.value.fields
    assert (Relationship.objects.count(), AuditEntry.objects.count()) == before


def test_the_database_refuses_a_self_loop_and_a_duplicate(db):
    ci, other = make_ci(), make_ci()
    kind = RelationshipType.objects.get(slug="depends_on")
    Relationship.objects.create(source=ci, target=other, type=kind)

    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(source=ci, target=ci, type=kind)
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(source=ci, target=other, type=kind)


def test_deleting_a_relationship_is_audited(asset_manager, agent):
    app, srv = make_ci("application"), make_ci("server")
    rel = relationship_create(asset_manager, source=app.number, target=srv.number, type="runs_on")
    pk = rel.pk

    with pytest.raises(PermissionDenied):
        relationship_delete(agent, relationship_id=pk)
    relationship_delete(asset_manager, relationship_id=pk)

    assert not Relationship.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action="delete").count() == 1
    assert OutboxMessage.objects.filter(topic="relationship.deleted").count() == 1
    with pytest.raises(NotFound):
        relationship_delete(asset_manager, relationship_id=pk)


def test_a_relationship_created_by_a_racing_request_is_a_422_not_a_500(admin_api, monkeypatch):
    """Two requests relating the same two CIs at once (a discovery script's retry while its
    first call still runs): both pass the "already related" check, the second meets the
    unique constraint. It is the check's 422 naming ``target``, not a 500; one link stays.
    The race is played by a check that does not see the first request's row."""
    from django.db.models import QuerySet

    app, server = make_ci("application"), make_ci("server")
    relationship_create(
        Actor.system("tests"), source=app.number, target=server.number, type="runs_on"
    )
    real = QuerySet.exists

    def unseen(qs):  # the other request's row, committed after this one looked
        return False if qs.model is Relationship else real(qs)

    monkeypatch.setattr(QuerySet, "exists", unseen)

    response = admin_api.post(
        "/api/v1/relationships",
        {"source": app.number, "target": server.number, "type": "runs_on"},
    )

    assert response.status_code == 422, response.content
    assert "already runs_on" in response.json()["error"]["fields"]["target"][0]
    monkeypatch.undo()
    assert Relationship.objects.filter(source=app, target=server).count() == 1
