"""``stamps.Keyed``: values kept per key under their stamps (decision 0061): reloaded when a
stamp moves, bounded in size, and never served from a transaction that rolled back."""

import pytest
from django.db import transaction

from steward.core import stamps

pytestmark = pytest.mark.django_db


@pytest.fixture
def loads():
    """A Keyed cache under AUTH and TEAMS whose load counts its calls per key."""
    calls: list[str] = []
    state = {"suffix": "1"}

    def load(key: str) -> str:
        calls.append(key)
        return key + state["suffix"]

    cache = stamps.Keyed((stamps.AUTH, stamps.TEAMS), load, size=3)
    yield cache, calls, state
    stamps._versioned.remove(cache)


def test_a_value_is_loaded_once_until_one_of_its_stamps_moves(loads):
    cache, calls, state = loads
    assert cache.get("a") == "a1"
    assert cache.get("a") == "a1"
    assert calls == ["a"]
    state["suffix"] = "2"
    stamps.bump(stamps.TEAMS)  # the second of its stamps
    assert cache.get("a") == "a2"
    stamps.bump(stamps.AUTH)
    assert cache.get("a") == "a2"
    assert calls == ["a", "a", "a"]


def test_it_keeps_at_most_size_keys_the_least_recently_used_dropped(loads):
    cache, calls, _ = loads
    for key in ("a", "b", "c"):
        cache.get(key)
    cache.get("a")  # used again: "b" is now the oldest
    cache.get("d")
    assert len(cache._values) == 3
    calls.clear()
    cache.get("a"), cache.get("c"), cache.get("d")
    assert calls == []
    cache.get("b")
    assert calls == ["b"]


def test_a_value_loaded_in_a_rolled_back_transaction_is_not_served(loads):
    cache, calls, state = loads
    assert cache.get("a") == "a1"
    seen = []

    def write_then_fail() -> None:
        with transaction.atomic():
            state["suffix"] = "rolled back"
            stamps.bump(stamps.AUTH)  # the writer's bump, inside its transaction
            seen.append(cache.get("a"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert seen == ["arolled back"]
    state["suffix"] = "1"
    assert cache.get("a") == "a1"  # the stamp is the one before: the value is loaded anew
    assert calls == ["a", "a", "a"]


def test_forget_drops_keyed_values(loads):
    cache, calls, _ = loads
    cache.get("a")
    stamps.forget()
    cache.get("a")
    assert calls == ["a", "a"]
