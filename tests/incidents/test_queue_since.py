"""The queue's "… ago" (``queue_since.since``, decision 0097) is Django's
``timesince(d, now, time_strings=…)``: for times around month ends, leap days, a zone's
change of offset, the future, the same minute and a random spread, in English and German."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest
from django.utils import translation
from django.utils.timesince import timesince
from django.utils.translation import gettext

from steward.incidents.templatetags.incident_queue import _since_words
from steward.incidents.views.queue_since import since

UTC = dt.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _pairs():
    rng = random.Random(97)
    d = dt.datetime
    fixed = [
        (d(2024, 1, 31, 10, 0, tzinfo=UTC), d(2024, 2, 29, 9, 59, tzinfo=UTC)),
        (d(2024, 2, 29, 12, tzinfo=UTC), d(2025, 2, 28, 12, tzinfo=UTC)),
        (d(2024, 2, 29, 12, tzinfo=UTC), d(2025, 3, 1, 12, tzinfo=UTC)),
        (d(2023, 12, 31, 23, 59, 59, tzinfo=UTC), d(2024, 1, 1, tzinfo=UTC)),
        (d(2024, 3, 31, 0, 30, tzinfo=BERLIN), d(2024, 3, 31, 4, tzinfo=UTC)),
        (d(2024, 10, 27, 2, 30, tzinfo=BERLIN), d(2024, 11, 27, 1, tzinfo=UTC)),
        (d(2024, 5, 1, 12, tzinfo=UTC), d(2024, 5, 1, 12, tzinfo=UTC)),
        (
            d(2024, 5, 1, 12, 0, 30, tzinfo=UTC),
            d(2024, 5, 1, 12, 1, tzinfo=UTC),
        ),
        (d(2024, 5, 2, 12, tzinfo=UTC), d(2024, 5, 1, 12, tzinfo=UTC)),
        (
            d(2024, 1, 15, 8, 0, 0, 500, tzinfo=UTC),
            d(2024, 3, 15, 8, tzinfo=UTC),
        ),
        (d(2020, 6, 1), d(2024, 7, 9, 3, 4)),  # naive both
    ]
    start = dt.datetime(2023, 1, 1, tzinfo=UTC)
    spread = []
    for _ in range(3000):
        d = start + dt.timedelta(seconds=rng.randrange(0, 3 * 365 * 86400))
        span = rng.choice((59, 3600, 86400, 40 * 86400, 800 * 86400))
        now = d + dt.timedelta(seconds=rng.randrange(-60, span), microseconds=rng.randrange(10**6))
        spread.append((d.astimezone(rng.choice((UTC, BERLIN))), now))
    return fixed + spread


@pytest.mark.parametrize("language", ["en", "de"])
def test_since_is_djangos_timesince(language):
    with translation.override(language):
        words, comma = _since_words(language), gettext(", ")
        differ = [
            (d, now)
            for d, now in _pairs()
            if since(d, now, words, comma) != timesince(d, now, time_strings=words)
        ]
        assert differ == []
        shown = {since(d, now, words, comma) for d, now in _pairs()}
    assert len(shown) > 500  # not vacuous: many different texts
    assert any(", " in text and "\xa0" in text for text in shown)
