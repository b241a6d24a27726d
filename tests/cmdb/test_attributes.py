"""Attribute schemas: inheritance down the class tree and typed validation of values."""

from __future__ import annotations

import pytest

from steward.cmdb.selectors import class_tree
from steward.cmdb.selectors.schema import effective_schema
from steward.cmdb.services import validation


@pytest.fixture
def tree(db):
    return class_tree()


def test_a_subclass_inherits_its_parents_attributes_and_adds_its_own(tree):
    schema = tree.schema(tree.by_slug["virtual_machine"])

    assert {"fqdn", "serial_number", "os", "memory_gb"} <= set(schema)  # from server
    assert {"vm_uuid", "hypervisor", "host"} <= set(schema)  # its own
    assert "vm_uuid" not in tree.schema(tree.by_slug["server"])


def test_identification_keys_are_the_nearest_declared(tree):
    assert tree.keys(tree.by_slug["server"]) == ["serial_number", "fqdn"]
    assert tree.keys(tree.by_slug["virtual_machine"]) == ["vm_uuid", "fqdn"]


def test_a_subclass_refines_an_inherited_attribute():
    class C:
        def __init__(self, attrs):
            self.attributes = attrs

    root = C([{"name": "os", "type": "string", "required": False}])
    leaf = C([{"name": "os", "type": "string", "required": True}])

    schema = effective_schema([root, leaf])
    _, errors = validation.validate(schema, {})

    assert errors == {"attributes.os": ["required for this class"]}


def test_class_filter_includes_subclasses(tree):
    ids = tree.descendants(tree.by_slug["server"])

    assert tree.by_slug["virtual_machine"].id in ids
    assert tree.by_slug["database"].id not in ids


GOOD = [
    ("string", "web01", "web01"),
    ("integer", 8, 8),
    ("decimal", 16.5, "16.5"),
    ("decimal", "0.10", "0.10"),
    ("boolean", True, True),
    ("date", "2024-02-29", "2024-02-29"),
    ("ip", "10.0.0.1", "10.0.0.1"),
    ("ip", "2001:DB8::1", "2001:db8::1"),
    ("enum", "b", "b"),
]
BAD = [
    ("string", 5),
    ("integer", "8"),
    ("integer", True),
    ("integer", 1.5),
    ("decimal", "abc"),
    ("decimal", "NaN"),
    ("decimal", False),
    ("boolean", "true"),
    ("date", "2023-02-29"),
    ("date", 20240101),
    ("ip", "999.1.1.1"),
    ("enum", "z"),
    ("reference", 42),
]


@pytest.mark.parametrize(("kind", "value", "stored"), GOOD, ids=[f"{k}-{v}" for k, v, _ in GOOD])
def test_valid_values_are_stored_in_their_normal_form(kind, value, stored):
    schema = {"x": {"name": "x", "type": kind, "choices": ["a", "b"]}}

    clean, errors = validation.validate(schema, {"x": value})

    assert errors == {}
    assert clean == {"x": stored}


@pytest.mark.parametrize(("kind", "value"), BAD, ids=[f"{k}-{v}" for k, v in BAD])
def test_a_value_of_the_wrong_type_is_an_error_naming_the_attribute(kind, value):
    schema = {"x": {"name": "x", "type": kind, "choices": ["a", "b"]}}

    clean, errors = validation.validate(schema, {"x": value})

    assert list(errors) == ["attributes.x"]
    assert "x" not in clean


def test_unknown_attributes_and_references_are_reported_together():
    schema = {"host": {"name": "host", "type": "reference", "reference_class": "server"}}

    _, errors = validation.validate(
        schema,
        {"host": "CI0000042", "colour": "blue"},
        reference_ok=lambda number, cls: f"no CI {number!r}",
    )

    assert errors == {
        "attributes.host": ["no CI 'CI0000042'"],
        "attributes.colour": ["not an attribute of this class"],
    }


@pytest.mark.parametrize(
    "spec",
    [
        "not a list",
        [{"name": "Bad Name", "type": "string"}],
        [{"name": "a", "type": "colour"}],
        [{"name": "a", "type": "enum"}],
        [{"name": "a", "type": "string"}, {"name": "a", "type": "integer"}],
        [{"name": "a", "type": "string", "unknown": 1}],
    ],
)
def test_bad_class_definitions_are_refused(spec):
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        validation.check_spec(spec)


def test_seeded_classes_have_valid_definitions(tree):
    for cls in tree.by_slug.values():
        validation.check_spec(cls.attributes)
    assert set(tree.by_slug) >= {
        "business_service",
        "application",
        "database",
        "server",
        "virtual_machine",
        "container",
        "network_device",
        "storage",
        "cloud_resource",
    }
