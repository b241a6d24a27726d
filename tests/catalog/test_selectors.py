"""Reads: the portal's item search (ranked, only what the person may order)."""

from __future__ import annotations

import pytest

from steward.catalog.selectors import search_items
from steward.core.errors import ValidationFailed


def test_search_ranks_name_matches_first_and_keeps_to_the_audience(make_item, requester):
    make_item(slug="dock", name="Docking station", description="Works with any laptop")
    make_item(slug="laptop", name="Laptop", description="A new one")
    make_item(slug="bag", name="New laptop bag", description="For carrying")
    make_item(
        slug="admin-laptop", name="Laptop for admins", audience="roles", audience_roles=["admin"]
    )
    found = [item.slug for item in search_items(requester.user, "laptop")]
    assert found == ["laptop", "bag", "dock"]  # starts with, contains, then description
    assert [i.slug for i in search_items(requester.user, "laptop", limit=1)] == ["laptop"]
    assert search_items(requester.user, "  ") == []


def test_search_limit_is_bounded(requester):
    with pytest.raises(ValidationFailed):
        search_items(requester.user, "x", limit=1000)
