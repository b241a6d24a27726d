"""What the CMDB pages offer comes from ``selectors.ci_capabilities``: writers (administrators
and asset managers) create, edit, relate and import; only administrators edit classes; a CI
shown as it was is read-only; the edit form offers the statuses the lifecycle allows."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.cmdb import selectors
from steward.core.actor import Actor
from steward.core.choices import Role
from tests import factories
from tests.cmdb.conftest import make_ci


def test_an_asset_manager_writes_but_does_not_edit_classes(asset_manager):
    ci = make_ci()

    can = selectors.ci_capabilities(asset_manager, ci)

    assert (can.can_create, can.can_edit, can.can_relate, can.can_import) == (True,) * 4
    assert can.can_edit_classes is False


def test_an_agent_reads_only(agent):
    can = selectors.ci_capabilities(agent, make_ci())

    assert (can.can_create, can.can_edit, can.can_relate, can.can_import) == (False,) * 4
    assert can.can_edit_classes is False


def test_an_administrator_also_edits_classes(admin):
    assert selectors.ci_capabilities(admin).can_edit_classes is True


def test_a_read_only_token_writes_nothing(db):
    user = factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER])
    reader = Actor(user=user, scopes=frozenset({"read"}))

    assert selectors.ci_capabilities(reader, make_ci()).can_edit is False


def test_a_past_state_is_read_only(asset_manager):
    can = selectors.ci_capabilities(asset_manager, make_ci(), past=True)

    assert (can.can_edit, can.can_relate) == (False, False)


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        ("live", ["planned", "live", "maintenance", "retired"]),
        ("retired", ["planned", "retired"]),
    ],
)
def test_the_statuses_on_offer_follow_the_lifecycle(asset_manager, status, offered):
    can = selectors.ci_capabilities(asset_manager, make_ci(status=status))

    assert [value for value, _label in can.statuses] == offered


def test_the_edit_form_of_a_retired_ci_offers_only_its_moves(db):
    client = Client()
    client.force_login(factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER]))
    ci = make_ci(status="retired")

    page = client.get(f"/cmdb/cis/{ci.number}/edit/").content.decode()

    select = page.split('name="status"')[1].split("</select>")[0]
    assert 'value="planned"' in select
    assert 'value="retired" selected' in select
    assert 'value="live"' not in select
    assert 'value="maintenance"' not in select
