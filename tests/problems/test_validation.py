"""The pure checks every problem write path shares; no database here (pytest-django refuses
any query in a test without the ``db`` fixture, so these prove the checks are pure)."""

from __future__ import annotations

import pytest

from steward.core.errors import ValidationFailed
from steward.problems.services.validation import check_values


def test_values_are_normalised_and_references_left_as_given():
    clean = check_values(
        {"title": "  VPN drops  ", "workaround": "Reconnect.\n", "impact": 1, "team": "network"}
    )

    assert clean == {
        "title": "VPN drops",
        "workaround": "Reconnect.",
        "impact": 1,
        "team": "network",
    }


def test_a_cleared_text_becomes_empty_not_none():
    assert check_values({"root_cause": None}) == {"root_cause": ""}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param({"title": "   "}, "title", id="blank-title"),
        pytest.param({"title": "x" * 201}, "title", id="long-title"),
        pytest.param({"title": 7}, "title", id="title-not-text"),
        pytest.param({"workaround": "x" * 20_001}, "workaround", id="long-workaround"),
        pytest.param({"description": ["a"]}, "description", id="description-not-text"),
        pytest.param({"impact": 0}, "impact", id="impact-below"),
        pytest.param({"urgency": 4}, "urgency", id="urgency-above"),
        pytest.param({"urgency": True}, "urgency", id="urgency-boolean"),
        pytest.param({"impact": "1"}, "impact", id="impact-text"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(values, field):
    with pytest.raises(ValidationFailed) as refused:
        check_values(values)

    assert list(refused.value.fields) == [field]
