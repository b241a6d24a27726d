"""The import's compiled attribute checker (one per class, ``validation.checker``) says
exactly what the per-value rules say (``validate`` over cells read as their type), on any
schema and any cells: the same clean values, the same errors, the same messages. A cell is
text, so it names a numeric enum choice by its text ("1" the choice 1), never by a boolean
("true" is not the choice 1; decision 0124)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.cmdb.choices import AttributeType
from steward.cmdb.services.validation import _from_text, checker, validate
from tests.examples import examples

NAMES = ["a", "b", "c", "d", "e"]
KINDS = list(AttributeType.values)

specs = st.fixed_dictionaries(
    {"type": st.sampled_from(KINDS), "required": st.booleans()},
    optional={"choices": st.lists(st.sampled_from(["x", "y", " x", "10.0.0.1", 1, True]))},
)
schemas = st.dictionaries(st.sampled_from(NAMES), specs).map(
    lambda d: {name: {"name": name, **spec} for name, spec in d.items()}
)
texts = st.one_of(
    st.sampled_from(
        [
            "x",
            " x ",
            "y",
            "",
            " ",
            "10.0.0.1",
            " 10.0.0.1",
            "010.0.0.1",
            "256.1.1.1",
            "1.2.3",
            "::1",
            "fe80::1",
            "0.0.0.0",
            "255.255.255.255",
            "12",
            " 12 ",
            "1",
            " 1 ",
            "True",
            "-3",
            "1.5",
            "true",
            " Yes",
            "no",
            "2026-12-03",
            "2026-02-30",
            "CI0000001",
            "x" * 1001,
            " " + "x" * 1000,
            "١٢",  # Arabic-Indic digits: int() reads them, the IP pattern must not
        ]
    ),
    st.text(max_size=12),
)
cells = st.one_of(
    texts,
    st.integers(min_value=-(2**64), max_value=2**64),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
)
rows = st.dictionaries(st.sampled_from([*NAMES, "unknown"]), cells)


def reference(schema: dict, values: dict[str, Any], text: bool) -> tuple[dict, dict]:
    """The per-value rules, as an import applied them before: each cell read as its
    attribute's type, then ``validate``."""
    if text:
        values = {k: _from_text(schema[k], v) if k in schema else v for k, v in values.items()}
    return validate(schema, values)


# 150 draws cover each of the attribute types and cell kinds dozens of times over; the 600
# it was written with run under `make test-deep` (tests/examples.py)
@pytest.mark.deep
@settings(max_examples=examples(quick=150, deep=600), deadline=None)
@given(schema=schemas, values=rows, text=st.booleans())
def test_the_compiled_checker_says_what_the_rules_say(schema, values, text):
    assert checker(schema, text=text)(values) == reference(schema, values, text)


@pytest.mark.parametrize(
    ("kind", "cell", "clean"),
    [
        ("ip", " 10.1.2.3 ", "10.1.2.3"),
        ("ip", "::FFFF:1.2.3.4", "::ffff:102:304"),
        ("string", "  name ", "name"),
        ("enum", " x", "x"),
        ("integer", " 42", 42),
        ("boolean", "Y", True),
    ],
)
def test_cells_are_read_as_their_type(kind, cell, clean):
    schema = {"a": {"name": "a", "type": kind, "choices": ["x"]}}
    assert checker(schema, text=True)({"a": cell}) == ({"a": clean}, {})


@pytest.mark.parametrize(
    ("cell", "clean"),
    [(" 1", 1), ("3", 3), ("1.5", 1.5), ("x", "x"), ("true", None), ("01", None), ("3.0", None)],
)
def test_an_enum_cell_names_a_numeric_choice_by_its_text(cell, clean):
    """A CSV cell is always text: "1" was refused for the choice 1 (read as the JSON value
    it is). It names the choice whose text it is; "true" is still no choice (``True == 1``
    let it in once), nor is another spelling of the number."""
    schema = {"a": {"name": "a", "type": "enum", "choices": [1, 3, 1.5, "x"]}}

    found = checker(schema, text=True)({"a": cell})

    if clean is None:
        assert found == ({}, {"attributes.a": ["one of 1, 3, 1.5, x"]})
        return
    assert found == ({"a": clean}, {})
    assert type(found[0]["a"]) is type(clean)
    if not isinstance(clean, str):  # a JSON string (the API, the bulk path) is no number
        assert checker(schema)({"a": cell.strip()})[1]


def test_errors_name_the_attribute_and_required_ones_are_reported():
    schema = {
        "ip": {"name": "ip", "type": "ip", "required": True},
        "n": {"name": "n", "type": "integer", "required": True},
        "s": {"name": "s", "type": "string", "required": True},
    }
    clean, errors = checker(schema, text=True)({"ip": "010.0.0.1", "n": "x", "other": "1"})
    assert clean == {}
    assert set(errors) == {"attributes.ip", "attributes.n", "attributes.s", "attributes.other"}
    assert errors["attributes.s"] == ["required for this class"]
