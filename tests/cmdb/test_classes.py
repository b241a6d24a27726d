"""Administering CI classes and relationship types: validation, inheritance, audit, API."""

from __future__ import annotations

import pytest

from steward.cmdb import selectors
from steward.cmdb.models import CIClass, RelationshipType
from steward.cmdb.services import ci_create, ci_update, classes
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from tests.cmdb.conftest import make_ci
from tests.contract.shape import assert_error


def attr(name, kind="string", **extra):
    return {"name": name, "type": kind, **extra}


def make_switch(admin, **extra):
    return classes.ci_class_create(
        admin,
        name="Network switch",
        slug="switch",
        attributes=[attr("port_count", "integer", required=True), attr("model")],
        identification_keys=["model"],
        **extra,
    )


def test_a_new_class_is_audited_and_its_cis_are_validated_by_its_schema(admin):
    switch = make_switch(admin, description="Layer 2")

    entry = AuditEntry.objects.get(object_id=str(switch.pk), action=AuditAction.CREATE)
    assert entry.changes["slug"] == [None, "switch"]
    assert OutboxMessage.objects.filter(topic="ci_class.created").count() == 1
    with pytest.raises(ValidationFailed) as caught:
        ci_create(admin, name="sw1", ci_class="switch", attributes={"model": "x"})
    assert caught.value.fields == {"attributes.port_count": ["required for this class"]}
    assert ci_create(admin, name="sw1", ci_class="switch", attributes={"port_count": 48})


def test_a_subclass_inherits_its_parents_schema_and_keys(admin):
    classes.ci_class_create(
        admin,
        name="Blade server",
        slug="blade",
        parent="server",
        attributes=[attr("slot", "integer")],
    )

    blade = selectors.ci_class_get(admin, slug="blade")
    names = [spec["name"] for spec in blade.schema]
    assert "fqdn" in names
    assert names[-1] == "slot"
    assert blade.effective_keys == ["serial_number", "fqdn"]
    ci = ci_create(admin, name="b1", ci_class="blade", attributes={"fqdn": "b1", "slot": 3})
    assert ci.attributes == {"fqdn": "b1", "slot": 3}
    assert [c.number for c in selectors.ci_list(admin, ci_class="server").items] == [ci.number]


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"attributes": [attr("x", "colour")]}, "attributes", "unknown type"),
        ({"attributes": [attr("x", "enum")]}, "attributes", "needs choices"),
        ({"attributes": [attr("x"), attr("x")]}, "attributes", "repeated"),
        ({"attributes": [attr("fqdn")], "parent": "server"}, "attributes", "inherited from server"),
        ({"attributes": [attr("Bad Name")]}, "attributes", "bad or repeated"),
        (
            {"attributes": [attr("x", "reference", reference_class="toaster")]},
            "attributes",
            "no CI",
        ),
        ({"attributes": [attr("x", "string", choices=["a"])]}, "attributes", "only an enum"),
        ({"identification_keys": ["nope"]}, "identification_keys", "nope"),
        ({"parent": "toaster"}, "parent", "no CI class"),
        ({"slug": "server"}, "slug", "exists"),
        ({"slug": "Not a slug"}, "slug", "lower-case"),
        ({"name": "Server"}, "name", "exists"),
        ({"name": "  "}, "name", "required"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_class_is_refused_naming_the_field_and_nothing_is_written(
    admin, changes, field, says
):
    values = {"name": "Gadget", "slug": "gadget", **changes}
    count = CIClass.objects.count()

    with pytest.raises(ValidationFailed) as caught:
        classes.ci_class_create(admin, **values)

    assert field in caught.value.fields, caught.value.fields
    assert says in " ".join(caught.value.fields[field])
    assert CIClass.objects.count() == count
    assert not AuditEntry.objects.filter(changes__slug=[None, values["slug"]]).exists()


def test_a_parent_chain_cannot_become_a_cycle(admin):
    make_switch(admin)
    classes.ci_class_create(admin, name="Core switch", slug="core_switch", parent="switch")

    with pytest.raises(ValidationFailed) as caught:
        classes.ci_class_update(
            admin, slug="switch", expected_version=1, changes={"parent": "core_switch"}
        )
    assert "own ancestor" in caught.value.fields["parent"][0]
    with pytest.raises(ValidationFailed):
        classes.ci_class_update(
            admin, slug="switch", expected_version=1, changes={"parent": "switch"}
        )
    assert CIClass.objects.get(slug="switch").parent_id is None


def test_a_parent_may_not_add_what_a_subclass_defines(admin):
    with pytest.raises(ValidationFailed) as caught:
        classes.ci_class_update(
            admin,
            slug="server",
            expected_version=1,
            changes={
                "attributes": [*CIClass.objects.get(slug="server").attributes, attr("vm_uuid")]
            },
        )
    assert "subclass virtual_machine" in caught.value.fields["attributes"][0]


def test_removing_or_retyping_an_attribute_cis_use_is_refused(admin):
    switch = make_switch(admin)
    ci = ci_create(admin, name="sw", ci_class="switch", attributes={"port_count": 8, "model": "m"})
    keep = [attr("port_count", "integer", required=True)]

    for changed in ([*keep], [*keep, attr("model", "integer")], [*keep, attr("model_name")]):
        with pytest.raises(ValidationFailed) as caught:
            classes.ci_class_update(
                admin,
                slug="switch",
                expected_version=1,
                changes={"attributes": changed, "identification_keys": []},
            )
        assert "model is still set on CIs of switch" in caught.value.fields["attributes"][0]

    ci_update(admin, number=ci.number, expected_version=1, changes={"attributes": {"model": None}})
    updated = classes.ci_class_update(
        admin,
        slug="switch",
        expected_version=1,
        changes={"attributes": keep, "identification_keys": []},
    )
    assert (updated.version, [a["name"] for a in updated.attributes]) == (2, ["port_count"])
    entry = AuditEntry.objects.filter(object_id=str(switch.pk)).latest("id")
    assert entry.action == AuditAction.UPDATE
    assert entry.changes["identification_keys"] == [["model"], []]


def test_a_stale_class_edit_changes_nothing(admin):
    make_switch(admin)
    classes.ci_class_update(admin, slug="switch", expected_version=1, changes={"description": "a"})

    with pytest.raises(StaleVersion):
        classes.ci_class_update(admin, slug="switch", expected_version=1, changes={"name": "b"})
    assert CIClass.objects.get(slug="switch").name == "Network switch"


def test_only_administrators_edit_classes(asset_manager):
    with pytest.raises(PermissionDenied):
        make_switch(asset_manager)
    with pytest.raises(PermissionDenied):
        classes.relationship_type_create(asset_manager, slug="x", name="x", inverse_name="y")


def test_a_new_relationship_type_relates_cis(admin):
    from steward.cmdb.services import relationship_create

    kind = classes.relationship_type_create(
        admin,
        slug="backs_up",
        name="Backs up",
        inverse_name="Backed up by",
        source_depends_on_target=False,
    )
    a, b = make_ci(), make_ci()
    assert (
        relationship_create(admin, source=a.number, target=b.number, type="backs_up").type == kind
    )
    assert AuditEntry.objects.filter(object_id=str(kind.pk), action="create").exists()
    with pytest.raises(ValidationFailed) as caught:
        classes.relationship_type_create(admin, slug="backs_up", name="", inverse_name="z")
    assert set(caught.value.fields) == {"slug", "name"}
    assert RelationshipType.objects.filter(slug="backs_up").count() == 1


def test_the_api_creates_and_patches_classes(admin_api, agent_api):
    created = admin_api.post(
        "/api/v1/ci-classes",
        {
            "name": "SAN array",
            "slug": "san_array",
            "attributes": [{"name": "capacity_tb", "type": "decimal", "required": True}],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["attributes"][0]["name"] == "capacity_tb"
    assert created["ETag"] == '"1"'

    patched = admin_api.patch(
        "/api/v1/ci-classes/san_array",
        {
            "description": "SAN",
            "attributes": [
                {"name": "capacity_tb", "type": "decimal"},
                {"name": "vendor", "type": "string"},
            ],
        },
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.content
    assert [a["name"] for a in patched.json()["attributes"]] == ["capacity_tb", "vendor"]
    assert_error(
        admin_api.patch("/api/v1/ci-classes/san_array", {"name": "x"}, headers={"If-Match": '"1"'}),
        412,
        "stale_version",
    )
    assert_error(
        admin_api.post(
            "/api/v1/ci-classes",
            {"name": "Q", "slug": "q", "attributes": [{"name": "a", "type": "enum"}]},
        ),
        422,
        "validation_error",
        field="attributes",
    )
    assert_error(
        agent_api.patch("/api/v1/ci-classes/san_array", {"name": "y"}), 403, "permission_denied"
    )


def test_the_api_lists_and_creates_relationship_types(admin_api, agent_api):
    created = admin_api.post(
        "/api/v1/relationship-types",
        {"slug": "replicates_to", "name": "Replicates to", "inverse_name": "Replica of"},
    )
    assert created.status_code == 201, created.content
    listed = agent_api.get("/api/v1/relationship-types", {"limit": 500}).json()["items"]
    assert "replicates_to" in [t["slug"] for t in listed]
    assert_error(
        admin_api.post(
            "/api/v1/relationship-types", {"slug": "bad slug", "name": "x", "inverse_name": "y"}
        ),
        422,
        "validation_error",
        field="slug",
    )


def test_imports_match_on_a_class_s_new_identification_keys_at_once(admin):
    from steward.cmdb.imports import import_cis

    make_switch(admin)  # keys: model
    ci = make_ci("switch", attributes={"model": "C9300", "port_count": 48})
    classes.ci_class_update(
        admin, slug="switch", expected_version=None, changes={"identification_keys": ["port_count"]}
    )

    report = import_cis(
        admin, [{"ci_class": "switch", "port_count": 48, "model": "C9500"}], source="discovery"
    )

    (row,) = report.rows
    assert (row.action, row.number, row.matched_on) == ("update", ci.number, "port_count")


def test_class_and_relationship_type_names_are_one_line_by_any_path(db):
    """The service's own rule, beside the API's ``SingleLine``: a class or relationship type
    named by a script, the demo or a command holds no line break either."""
    from steward.core.actor import Actor

    system = Actor.system("tests")
    with pytest.raises(ValidationFailed) as refused:
        classes.ci_class_create(system, name="Router\nBcc: x", slug="router")
    assert list(refused.value.fields) == ["name"]
    with pytest.raises(ValidationFailed) as refused:
        classes.relationship_type_create(
            system, slug="feeds", name="feeds", inverse_name="fed\u2028by"
        )
    assert list(refused.value.fields) == ["inverse_name"]
    assert not CIClass.objects.filter(slug="router").exists()
    assert not RelationshipType.objects.filter(slug="feeds").exists()
    made = classes.ci_class_create(system, name="Router", slug="router", description="two\nlines")
    assert made.description == "two\nlines"  # a description may have lines


@pytest.mark.parametrize("clash", ["slug", "name"])
def test_a_class_created_by_a_racing_request_is_a_422_naming_the_field(db, monkeypatch, clash):
    """Two administrators (or a retried script) creating the same class at once: both
    checks read the classes before either insert, the second insert meets the unique
    constraint. It is the check's 422 naming the field, not a 500. The race is played by
    the second request's class tree, read before the first's class was written."""
    from steward.core.actor import Actor

    before = selectors.class_tree()
    CIClass.objects.create(name="Router", slug="router")  # the first request's class
    monkeypatch.setattr(selectors, "class_tree", lambda: before)
    names = {"slug": ("Another router", "router"), "name": ("Router", "router-2")}[clash]

    with pytest.raises(ValidationFailed) as refused:
        classes.ci_class_create(Actor.system("tests"), name=names[0], slug=names[1])

    assert list(refused.value.fields) == [clash]
    assert CIClass.objects.filter(name__startswith="Router").count() == 1


def test_a_relationship_type_created_by_a_racing_request_is_a_422(admin_api, monkeypatch):
    from django.db.models import QuerySet

    RelationshipType.objects.create(slug="feeds", name="feeds", inverse_name="fed by")
    real = QuerySet.exists
    monkeypatch.setattr(  # the first request's row, committed after this one looked
        QuerySet, "exists", lambda qs: False if qs.model is RelationshipType else real(qs)
    )

    response = admin_api.post(
        "/api/v1/relationship-types", {"slug": "feeds", "name": "feeds", "inverse_name": "fed"}
    )

    assert_error(response, 422, "validation_error", field="slug")
