"""An enum attribute takes only its choices, on every write path, by one rule
(``selectors.schema.enum_choice``): a single create and update (services, API POST and
PATCH, the web form), the bulk path, the importer, and the list's ``attr.<name>`` filter.
Python's ``in`` took ``true`` for the choice ``1`` (``True == 1``), so a CI could hold a
value outside its class's choices; a class edit could strand values the same way."""

from __future__ import annotations

import pytest

from steward.cmdb import selectors
from steward.cmdb.imports import import_file
from steward.cmdb.models import ConfigurationItem
from steward.cmdb.selectors.schema import enum_choice
from steward.cmdb.services import bulk, ci_create, ci_update, classes
from steward.core.errors import ValidationFailed
from tests.contract.shape import assert_error

pytestmark = pytest.mark.django_db
PDU = {
    "name": "Power distribution unit",
    "slug": "pdu",
    "attributes": [
        {"name": "serial_number", "type": "string"},
        {"name": "tier", "type": "enum", "choices": ["gold", "silver"]},
        {"name": "phase", "type": "enum", "choices": [1, 3]},
    ],
    "identification_keys": ["serial_number"],
}
# values that are not one of the choices, though Python's ``in`` said they were
NOT_CHOICES = [("phase", True), ("phase", "1"), ("tier", "Gold"), ("tier", ["gold"])]
IDS = [f"{name}-{value!r}" for name, value in NOT_CHOICES]


@pytest.fixture
def pdu(admin):
    return classes.ci_class_create(admin, **PDU)


@pytest.mark.parametrize(
    ("choices", "value", "stored"),
    [(["a", "b"], "b", "b"), ([1, 3], 3, 3), ([1, 3], 3.0, 3), ([True, 0], False, None)],
)
def test_the_rule_answers_the_choice_as_the_schema_stores_it(choices, value, stored):
    spec = {"type": "enum", "choices": choices}
    if stored is None:  # False is not the choice 0
        with pytest.raises(ValueError, match="one of True, 0"):
            enum_choice(spec, value)
        return
    found = enum_choice(spec, value)
    assert found == stored
    assert type(found) is type(stored)


@pytest.mark.parametrize(("name", "value"), NOT_CHOICES, ids=IDS)
def test_create_and_update_refuse_a_value_outside_the_choices(admin, pdu, name, value):
    with pytest.raises(ValidationFailed) as refused:
        ci_create(admin, ci_class="pdu", name="pdu1", attributes={name: value})
    assert set(refused.value.fields) == {f"attributes.{name}"}
    ci = ci_create(admin, ci_class="pdu", name="pdu1", attributes={"phase": 3, "tier": "gold"})
    with pytest.raises(ValidationFailed) as refused:
        ci_update(
            admin, number=ci.number, expected_version=1, changes={"attributes": {name: value}}
        )
    assert set(refused.value.fields) == {f"attributes.{name}"}
    assert ConfigurationItem.objects.get().attributes == {"phase": 3, "tier": "gold"}


@pytest.mark.parametrize(("name", "value"), NOT_CHOICES, ids=IDS)
def test_the_api_answers_422_naming_the_attribute(admin_api, pdu, name, value):
    created = admin_api.post("/api/v1/cis", {"ci_class": "pdu", "name": "p", "attributes": {}})
    number = created.json()["number"]

    refused = admin_api.post(
        "/api/v1/cis", {"ci_class": "pdu", "name": "q", "attributes": {name: value}}
    )
    patched = admin_api.patch(
        f"/api/v1/cis/{number}",
        {"attributes": {name: value}},
        headers={"If-Match": created["ETag"]},
    )

    assert_error(refused, 422, "validation_error", field=f"attributes.{name}")
    assert_error(patched, 422, "validation_error", field=f"attributes.{name}")
    assert ConfigurationItem.objects.get().attributes == {}


@pytest.mark.parametrize(("name", "value"), NOT_CHOICES, ids=IDS)
def test_the_bulk_path_refuses_it_naming_row_and_attribute(admin, pdu, name, value):
    row = {"ci_class": "pdu", "name": "p", "attributes": {name: value}}

    with pytest.raises(ValidationFailed) as refused:
        bulk.cis_import(admin, [row])

    assert set(refused.value.fields) == {f"rows[1].attributes.{name}"}
    assert not ConfigurationItem.objects.exists()


# the importer reads each value as a cell (text names a choice by its text: "1" is 1)
IMPORT_NOT_CHOICES = [c for c in NOT_CHOICES if c != ("phase", "1")]


@pytest.mark.parametrize(
    ("name", "value"), IMPORT_NOT_CHOICES, ids=[f"{n}-{v!r}" for n, v in IMPORT_NOT_CHOICES]
)
def test_the_importer_refuses_it_naming_row_and_column(admin_api, pdu, name, value):
    row = {"ci_class": "pdu", "name": "p", "serial_number": "S1", name: value}

    response = admin_api.post("/api/v1/cis/import?source=discovery", {"cis": [row]})

    assert_error(response, 422, "validation_error", field=f"cis[1].{name}")
    assert not ConfigurationItem.objects.exists()


def test_a_csv_cell_names_a_numeric_choice_by_its_text_and_true_is_none(admin, pdu):
    """CSV cells are always text: "1" was refused for the choice 1, so no CSV could set a
    numeric enum. It is the choice 1, stored as the number; "true" is still refused."""
    data = b"ci_class,name,serial_number,phase\npdu,p1,S1, 1\npdu,p2,S2,true\n"

    report = import_file(admin, data, fmt="csv", source="discovery")

    (error,) = report.errors()
    assert (error["row"], error["field"]) == (2, "phase")
    assert not ConfigurationItem.objects.exists()  # the file is refused whole
    fixed = data.replace(b"true", b"3")
    assert import_file(admin, fixed, fmt="csv", source="discovery").ok
    assert sorted(ci.attributes["phase"] for ci in ConfigurationItem.objects.all()) == [1, 3]


def test_the_filter_reads_a_numeric_choice_as_the_number_it_is(admin, agent_api, pdu):
    """``attr.phase=3`` was checked against the choices' text, then compared as the text
    "3" with the stored number 3: no CI answered. An unknown choice is a 422 naming it."""
    ci = ci_create(admin, ci_class="pdu", name="pdu3", attributes={"phase": 3, "tier": "gold"})
    ci_create(admin, ci_class="pdu", name="pdu1", attributes={"phase": 1})

    found = agent_api.get("/api/v1/cis", {"class": "pdu", "attr.phase": "3"})
    refused = agent_api.get("/api/v1/cis", {"class": "pdu", "attr.phase": "true"})

    assert found.status_code == 200, found.content
    assert [item["number"] for item in found.json()["items"]] == [ci.number]
    assert_error(refused, 422, "validation_error", field="attr.phase")


def test_a_class_edit_may_not_drop_a_choice_its_cis_hold(admin, pdu):
    ci_create(admin, ci_class="pdu", name="p", attributes={"tier": "silver"})
    narrower = [dict(spec) for spec in PDU["attributes"]]
    narrower[1]["choices"] = ["gold"]

    with pytest.raises(ValidationFailed) as refused:
        classes.ci_class_update(
            admin, slug="pdu", expected_version=pdu.version, changes={"attributes": narrower}
        )

    assert "tier" in refused.value.fields["attributes"][0]
    assert selectors.class_tree().by_slug["pdu"].attributes[1]["choices"] == ["gold", "silver"]
    narrower[1]["choices"] = ["gold", "silver", "bronze"]  # adding one strands nothing
    narrower[2]["choices"] = [3]  # nor does dropping one no CI holds
    classes.ci_class_update(
        admin, slug="pdu", expected_version=pdu.version, changes={"attributes": narrower}
    )
