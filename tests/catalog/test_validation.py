"""The item definitions and the answers to a form, field type by field type."""

from __future__ import annotations

import pytest

from steward.catalog.services import validation
from steward.core.errors import ValidationFailed

FORM = validation.clean_form(
    [
        {"key": "title", "label": "Title", "type": "text", "required": True},
        {"key": "count", "label": "Count", "type": "number", "min": 1, "max": 5},
        {"key": "start", "label": "Start", "type": "date"},
        {"key": "kind", "label": "Kind", "type": "choice", "choices": ["a", "b"]},
        {
            "key": "why_b",
            "label": "Why b",
            "type": "text",
            "required": True,
            "show_if": {"field": "kind", "equals": "b"},
        },
        {"key": "buddy", "label": "Buddy", "type": "user"},
        {"key": "device", "label": "Device", "type": "ci"},
    ]
)


def clean(answers):
    return validation.clean_answers(
        FORM,
        answers,
        user_ok=lambda name: name == "ann",
        ci_ok=lambda number: number == "CI0000001",
    )


def errors_of(answers):
    with pytest.raises(ValidationFailed) as caught:
        clean(answers)
    return caught.value.fields


def test_valid_answers_are_typed():
    assert clean(
        {
            "title": " x ",
            "count": "3",
            "start": "2099-12-24",
            "kind": "a",
            "buddy": "ann",
            "device": "ci0000001",
        }
    ) == {
        "title": "x",
        "count": 3,
        "start": "2099-12-24",
        "kind": "a",
        "buddy": "ann",
        "device": "CI0000001",
    }


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({}, "answers.title", "required"),
        ({"title": "   "}, "answers.title", "required"),
        ({"title": 5}, "answers.title", "a text"),
        ({"title": "x" * 5000}, "answers.title", "at most 4000 characters"),
        ({"title": "x", "count": "many"}, "answers.count", "a number"),
        ({"title": "x", "count": True}, "answers.count", "a number"),
        ({"title": "x", "count": 9}, "answers.count", "at most 5"),
        ({"title": "x", "count": 0}, "answers.count", "at least 1"),
        ({"title": "x", "start": "24/12/2026"}, "answers.start", "a date as YYYY-MM-DD"),
        ({"title": "x", "start": "2026-02-30"}, "answers.start", "a date as YYYY-MM-DD"),
        ({"title": "x", "start": "2020-01-01"}, "answers.start", "must be today or later"),
        ({"title": "x", "kind": "c"}, "answers.kind", "one of: a, b"),
        ({"title": "x", "buddy": "bob"}, "answers.buddy", "no such person"),
        ({"title": "x", "device": "CI0000002"}, "answers.device", "no such configuration item"),
        ({"title": "x", "nope": "1"}, "answers.nope", "no such field on this form"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_answers_name_their_field(answers, field, message):
    assert errors_of(answers)[field] == [message]


def test_every_error_at_once():
    assert set(errors_of({"count": "x", "kind": "z"})) == {
        "answers.title",
        "answers.count",
        "answers.kind",
    }


def test_conditional_field_required_only_when_shown():
    assert errors_of({"title": "x", "kind": "b"}) == {"answers.why_b": ["required"]}
    assert clean({"title": "x", "kind": "b", "why_b": "speed"})["why_b"] == "speed"


def test_answer_to_a_hidden_field_is_dropped():
    assert "why_b" not in clean({"title": "x", "kind": "a", "why_b": "ignored"})


def test_answers_must_be_an_object():
    with pytest.raises(ValidationFailed) as caught:
        clean(["x"])
    assert "answers" in caught.value.fields


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ([{"key": "A b", "label": "x", "type": "text"}], "form.0.key"),
        ([{"key": "a", "label": "", "type": "text"}], "form.0.label"),
        ([{"key": "a", "label": "x", "type": "file"}], "form.0.type"),
        ([{"key": "a", "label": "x", "type": "choice"}], "form.0.choices"),
        ([{"key": "a", "label": "x", "type": "number", "min": "1"}], "form.0.min"),
        ([{"key": "a", "label": "x", "type": "text", "colour": "red"}], "form.0.colour"),
        (
            [
                {"key": "a", "label": "x", "type": "text"},
                {"key": "a", "label": "y", "type": "text"},
            ],
            "form.1.key",
        ),
        (
            [
                {"key": "a", "label": "x", "type": "text", "show_if": {"field": "b", "equals": 1}},
                {"key": "b", "label": "y", "type": "text"},
            ],
            "form.0.show_if",
        ),
        (
            [
                {"key": "a", "label": "x", "type": "choice", "choices": ["p"]},
                {
                    "key": "b",
                    "label": "y",
                    "type": "text",
                    "show_if": {"field": "a", "equals": "q"},
                },
            ],
            "form.1.show_if",
        ),
        (
            [{"key": "a", "label": "x", "type": "number", "min": float("nan")}],
            "form.0.min",
        ),
        (
            [{"key": "a", "label": "x", "type": "number", "max": float("inf")}],
            "form.0.max",
        ),
        ([{"key": "a", "label": "x", "type": "number", "min": 5, "max": 1}], "form.0.max"),
        (
            [
                {"key": "a", "label": "x", "type": "text"},
                {
                    "key": "b",
                    "label": "y",
                    "type": "text",
                    "show_if": {"field": ["a"], "equals": "q"},
                },
            ],
            "form.1.show_if",
        ),
    ],
)
def test_bad_definitions_name_their_setting(form, field):
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_form(form)
    assert field in caught.value.fields


@pytest.mark.parametrize(
    ("stages", "field"),
    [
        ([{"approvers": "boss"}], "approval_stages.0.approvers"),
        ([{"approvers": "team", "team": "nope"}], "approval_stages.0.team"),
        ([{"approvers": "users", "users": []}], "approval_stages.0.users"),
        ([{"approvers": "manager", "quorum": 0}], "approval_stages.0.quorum"),
        ([{"approvers": "manager", "quorum": "most"}], "approval_stages.0.quorum"),
    ],
)
def test_bad_stages_name_their_setting(stages, field):
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_stages(stages, team_exists=lambda slug: slug == "desk")
    assert field in caught.value.fields


def test_needed_votes():
    assert validation.needed_votes("any", 4) == 1
    assert validation.needed_votes("all", 4) == 4
    assert validation.needed_votes(2, 4) == 2


def test_a_date_question_takes_today_but_not_yesterday():
    """An order's date (needed by, return by, the day of a move) is today or later."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    assert clean({"title": "x", "start": today.isoformat()})["start"] == today.isoformat()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert errors_of({"title": "x", "start": yesterday}) == {
        "answers.start": ["must be today or later"]
    }


def test_the_past_date_message_is_translated():
    from django.utils import translation

    with translation.override("de"):
        message = errors_of({"title": "x", "start": "2020-01-01"})["answers.start"][0]
    assert message == "muss heute oder später sein"
