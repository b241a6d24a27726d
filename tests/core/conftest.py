"""A clock for the delivery modules (outbox, mail, leases), moved by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from steward.core import leases, mail, outbox


class Clock:
    def __init__(self) -> None:
        self.at = timezone.now()

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    for module in (mail, outbox, leases):
        monkeypatch.setattr(module, "timezone", clock)
    return clock
