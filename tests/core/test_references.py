"""The people and teams a record names: an active team, an active user, an agent where the
record needs one; anything else is a 422 naming the field."""

import re

import pytest

from steward.core.errors import ValidationFailed
from steward.core.services.references import active_team, active_user
from tests import factories
from tests.web.catalogue_files import PACKAGE, marked_in_python

pytestmark = pytest.mark.django_db


def test_an_active_team_by_slug_and_nothing_for_an_empty_value(agent_actor):
    team = factories.TeamFactory(slug="desk")
    assert active_team(agent_actor, "team", "desk") == team
    assert active_team(agent_actor, "team", "") is None


def test_an_inactive_or_unknown_team_is_refused_naming_the_field(agent_actor):
    factories.TeamFactory(slug="gone", is_active=False)
    for slug in ("gone", "nowhere"):
        with pytest.raises(ValidationFailed) as caught:
            active_team(agent_actor, "owner_team", slug)
        assert "owner_team" in caught.value.fields


def test_an_agent_is_required_where_the_record_needs_one(agent_actor, requester_user):
    assert active_user(agent_actor, "requester", requester_user.username) == requester_user
    with pytest.raises(ValidationFailed) as caught:
        active_user(agent_actor, "assignee", requester_user.username, agent=True)
    assert caught.value.fields == {"assignee": ["is not an agent"]}
    assert active_user(agent_actor, "assignee", agent_actor.user.username, agent=True)


def test_a_reference_naming_no_row_is_refused_in_one_message_written_once():
    # unknown_ref is the one "no user 'bob'" (decision 0067's mend): a copy elsewhere would
    # drift from it in wording or translation, whatever its placeholders are called
    shape = re.compile(r"no %\(\w+\)s %\(\w+\)s")
    writers = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and any(shape.fullmatch(m.msgid) for m in marked_in_python(path))
    )
    assert writers == ["core/services/common.py"]


def test_a_huge_unknown_value_is_named_cut_short_not_echoed_whole():
    from steward.core.services.common import SHOWN_VALUE_LIMIT, unknown_ref_message

    assert unknown_ref_message("stock room", "nope") == "no stock room 'nope'"
    message = unknown_ref_message("stock room", "x" * 100_000)
    assert message.startswith("no stock room 'xxx")
    assert message.endswith("…")
    assert len(message) <= len("no stock room ") + SHOWN_VALUE_LIMIT
