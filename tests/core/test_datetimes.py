"""A window's start and end, checked once for freeze windows and maintenance windows: each
failure names the field it is about; a value not sent is the record's."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from steward.core.datetimes import check_window
from steward.core.errors import ValidationFailed

NINE = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
TEN = NINE + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("clean", "current", "field", "message"),
    [
        ({"starts_at": NINE.replace(tzinfo=None), "ends_at": TEN}, None, "starts_at", "zone"),
        ({"starts_at": NINE, "ends_at": "10:00"}, None, "ends_at", "zone"),
        ({"starts_at": NINE.replace(year=1), "ends_at": TEN}, None, "starts_at", "between"),
        ({"ends_at": TEN}, None, "starts_at", "required"),
        ({"starts_at": NINE}, None, "ends_at", "required"),
        ({"starts_at": TEN, "ends_at": TEN}, None, "ends_at", "after the start"),
        ({"starts_at": TEN}, SimpleNamespace(starts_at=NINE, ends_at=TEN), "ends_at", "after"),
    ],
)
def test_a_window_failure_names_its_field(clean, current, field, message):
    with pytest.raises(ValidationFailed) as failed:
        check_window(clean, current)

    assert list(failed.value.fields) == [field]
    assert message in failed.value.fields[field][0]


def test_a_window_takes_what_was_not_sent_from_the_record():
    record = SimpleNamespace(starts_at=NINE, ends_at=TEN)

    assert check_window({}, record) == (NINE, TEN)
    later = TEN + dt.timedelta(days=1)
    assert check_window({"ends_at": later}, record) == (NINE, later)
