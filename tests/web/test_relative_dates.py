"""The pages' relative dates ("… ago", the ``ago`` filter and the incident queue's rows):
German puts the unit in the dative plural after "vor" ("vor 2 Monaten", not "vor 2 Monate")."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from steward.web.templatetags.steward_ui import ago

NBSP = "\xa0"  # timesince keeps a number and its unit together


@pytest.mark.parametrize(
    ("days", "en", "de"),
    [
        (1, "1 day ago", "vor 1 Tag"),
        (3, "3 days ago", "vor 3 Tagen"),
        (14, "2 weeks ago", "vor 2 Wochen"),
        (61, "2 months ago", "vor 2 Monaten"),
        (31, "1 month ago", "vor 1 Monat"),
        (800, "2 years, 2 months ago", "vor 2 Jahren, 2 Monaten"),
    ],
)
def test_ago_speaks_english_and_correct_german(monkeypatch, days, en, de):
    now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    then = now - dt.timedelta(days=days)
    with translation.override("en"):
        assert ago(then).replace(NBSP, " ") == en
    with translation.override("de"):
        assert ago(then).replace(NBSP, " ") == de


def test_hours_and_minutes_take_the_dative_too(monkeypatch):
    now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    with translation.override("de"):
        assert ago(now - dt.timedelta(hours=5)).replace(NBSP, " ") == "vor 5 Stunden"
        assert ago(now - dt.timedelta(minutes=7)).replace(NBSP, " ") == "vor 7 Minuten"
