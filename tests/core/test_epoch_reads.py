"""PostgreSQL's datetimes read as integers (``core.rows.EpochMicros``): the change calendar
(decision 0029) and a page's SLA clocks (decision 0070) share the one expression."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection

import steward
from steward.core.models import User
from steward.core.rows import EpochMicros
from tests import factories

pytestmark = pytest.mark.django_db

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),  # before: -1, not 0
        EPOCH,
        dt.datetime(2026, 3, 29, 1, 0, 0, 210, tzinfo=dt.UTC),
        dt.datetime(2999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
    ],
    ids=["a microsecond before", "the epoch", "with microseconds", "far ahead"],
)
def test_a_datetime_is_read_as_its_exact_microseconds_since_the_epoch(at):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's timestamptz")
    person = factories.UserFactory(date_joined=at)
    (read,) = User.objects.filter(pk=person.pk).values_list(EpochMicros("date_joined"), flat=True)
    assert read == (at - EPOCH) // dt.timedelta(microseconds=1)


def test_the_epoch_read_is_written_once():
    # sla may not import changes: before core held it, each had its own copy
    package = Path(steward.__file__).parent
    writers = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "EXTRACT(EPOCH FROM" in path.read_text(encoding="utf-8")
    )
    assert writers == ["core/rows.py"]
