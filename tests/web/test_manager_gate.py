"""``web.pages.require_manager``: the one gate the asset and software pages that change
reference data share (404 for one who may not read, 403 with the reason for a reader who
may not write)."""

import pytest

from steward.core.actor import Actor
from steward.core.errors import NotFound, PermissionDenied
from steward.web.pages import require_manager

ACTOR = Actor.system("gate")


def gate(*, read: bool, write: bool) -> Actor:
    return require_manager(
        ACTOR, can_read=lambda a: read, can_write=lambda a: write, message="Managers only."
    )


def test_one_who_may_not_read_finds_nothing():
    with pytest.raises(NotFound):
        gate(read=False, write=True)


def test_a_reader_who_may_not_write_is_told_why():
    with pytest.raises(PermissionDenied) as refused:
        gate(read=True, write=False)
    assert refused.value.message == "Managers only."


def test_a_writer_passes_and_gets_the_actor_back():
    assert gate(read=True, write=True) is ACTOR
