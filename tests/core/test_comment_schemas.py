"""Core's comment schemas have the very shape of the apps' copies they replace."""

import pytest
from pydantic import ValidationError

from steward.core.schemas import CommentIn, CommentOut
from steward.incidents import schemas as incident_schemas
from steward.problems import schemas as problem_schemas


def _shape(schema):
    return {
        name: (str(f.annotation), f.alias, f.is_required())
        for name, f in schema.model_fields.items()
    }


@pytest.mark.parametrize("copy", [incident_schemas, problem_schemas], ids=["incidents", "problems"])
def test_same_fields_as_the_apps_copies(copy):
    assert _shape(CommentIn) == _shape(copy.CommentIn)
    assert _shape(CommentOut) == _shape(copy.CommentOut)
    assert (
        CommentIn.model_json_schema()["properties"]["body"]
        == (copy.CommentIn.model_json_schema()["properties"]["body"])
    )


def test_the_default_is_a_public_comment_as_for_incidents():
    assert CommentIn(body="hi").internal is incident_schemas.CommentIn(body="hi").internal is False


def test_unknown_fields_and_long_bodies_are_refused():
    with pytest.raises(ValidationError):
        CommentIn(body="hi", colour="red")
    with pytest.raises(ValidationError):
        CommentIn(body="x" * 65_537)
