"""A calendar's public holidays stored as rows (decision 0127): the same dates and the same
business time as the ``holidays`` package gives, read without it; kept for a window of years
by a daily job that writes each change once, audited, with its event."""

from __future__ import annotations

import datetime as dt
import sys

import holidays
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.core.models import AuditEntry, OutboxMessage
from steward.sla import tasks
from steward.sla.models import BusinessCalendar, CalendarHoliday
from steward.sla.selectors import business_time, public_holidays
from steward.sla.selectors.business_time import (
    add_business_seconds,
    business_seconds_between,
    is_working_day,
)
from steward.sla.selectors.calendars import spec_for_id
from steward.sla.services import calendar_create, calendar_update, public_holidays_fill
from steward.sla.services.holidays import holiday_window
from steward.worker_imports import load_alone
from tests.sla.conftest import SYSTEM, office_hours, office_spec
from tests.sla.test_pages import client_for

pytestmark = pytest.mark.django_db
DAY = 9 * 3600  # business seconds in an office day


@pytest.fixture
def admin_web(admin_user):
    return client_for(admin_user)


def _calendar(actor, country: str, subdivision: str, name: str = "Office") -> BusinessCalendar:
    return calendar_create(
        actor,
        name=name,
        time_zone="Europe/Berlin",
        holiday_country=country,
        holiday_subdivision=subdivision,
        working_hours=office_hours(),
    )


def _package(country: str, subdivision: str, first: int, last: int) -> dict[dt.date, str]:
    subdiv = subdivision or None
    language = holidays.country_holidays(country, subdiv=subdiv).default_language
    years = range(first, last + 1)
    return dict(holidays.country_holidays(country, subdiv=subdiv, years=years, language=language))


@pytest.mark.parametrize(
    ("country", "subdivision"),
    [("DE", "BY"), ("DE", "BE"), ("US", "CA"), ("GB", "SCT"), ("FR", ""), ("CH", "ZH")],
)
def test_stored_holidays_give_the_packages_dates_and_business_time(
    admin_actor, monkeypatch, country, subdivision
):
    calendar = _calendar(admin_actor, country, subdivision)
    first, last = holiday_window(timezone.localdate())
    stored = dict(calendar.public_holidays.values_list("date", "name"))
    assert stored == _package(country, subdivision, first, last)

    spec = spec_for_id(calendar.pk)  # what an SLA status computes on
    by_hand = office_spec(holiday_country=country, holiday_subdivision=subdivision)
    assert spec.holiday_years == (first, last)
    assert spec.holidays == frozenset(stored)
    days = [dt.date(first, 1, 1) + dt.timedelta(days=n) for n in range((last - first + 1) * 365)]
    expected = [is_working_day(by_hand, d) for d in days]  # the package's, as before
    # within the stored years the package is never asked
    monkeypatch.setattr(business_time, "_holiday_dates", _refused)
    monkeypatch.setattr(business_time, "_unstored_holiday_dates", _refused)
    assert [is_working_day(spec, d) for d in days] == expected
    monkeypatch.undo()
    starts = [dt.datetime(year, 12, 23, 16, tzinfo=dt.UTC) for year in range(first, last)]
    starts += [dt.datetime(first + 1, month, 1, 9, tzinfo=dt.UTC) for month in range(1, 13)]
    for start in starts:
        for seconds in (3600, 3 * DAY, 20 * DAY, -2 * DAY):
            due = add_business_seconds(spec, start, seconds)
            assert due == add_business_seconds(by_hand, start, seconds)
            assert business_seconds_between(spec, start, due) == seconds


def _refused(*_args):
    raise AssertionError("the package was asked for a stored year")


def test_a_year_outside_the_stored_ones_is_computed_as_before(admin_actor, caplog):
    calendar = _calendar(admin_actor, "DE", "BE")
    first, _ = holiday_window(timezone.localdate())
    spec = spec_for_id(calendar.pk)
    christmas = next(
        dt.date(year, 12, 25)
        for year in range(first - 3, first - 10, -1)
        if dt.date(year, 12, 25).weekday() < 5
    )
    business_time._unstored_holiday_dates.cache_clear()

    assert is_working_day(spec, christmas) is False
    assert is_working_day(spec, christmas - dt.timedelta(days=7)) is True
    assert f"DE/BE for {christmas.year} are not stored" in caplog.text


def test_a_changed_country_stores_its_dates_and_none_removes_them(admin_actor):
    calendar = _calendar(admin_actor, "DE", "BE")
    first, last = holiday_window(timezone.localdate())

    calendar = calendar_update(
        admin_actor,
        slug=calendar.slug,
        expected_version=calendar.version,
        changes={"holiday_country": "US", "holiday_subdivision": "CA"},
    )
    stored = dict(calendar.public_holidays.values_list("date", "name"))
    assert stored == _package("US", "CA", first, last)
    assert spec_for_id(calendar.pk).holidays == frozenset(stored)

    calendar_update(
        admin_actor,
        slug=calendar.slug,
        expected_version=calendar.version,
        changes={"holiday_country": "", "holiday_subdivision": ""},
    )
    assert not CalendarHoliday.objects.filter(calendar=calendar).exists()
    assert spec_for_id(calendar.pk).holiday_years is None


def _audit(calendar):
    ct = ContentType.objects.get_for_model(calendar)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(calendar.pk)))


def test_the_daily_job_keeps_the_window_filled_once_audited(admin_actor):
    calendar = _calendar(admin_actor, "DE", "BY")
    other = _calendar(admin_actor, "AT", "", name="Vienna")
    today = timezone.localdate()
    first, last = holiday_window(today)
    assert tasks.fill_public_holidays.call_local() == 0  # the create stored them
    entries, events = len(_audit(calendar)), OutboxMessage.objects.count()

    # a new year comes into the window; a release renames one date and drops another
    next_year = dt.date(today.year + 1, 1, 2)
    row = calendar.public_holidays.filter(date__year=first + 1).first()
    row.name = "Renamed by an old release"
    row.save()
    CalendarHoliday.objects.filter(calendar=calendar, date__year=first + 1).last().delete()
    assert public_holidays_fill(SYSTEM, today=next_year) == 2

    expected = _package("DE", "BY", first, last + 1)  # last year's dates are kept
    assert dict(calendar.public_holidays.values_list("date", "name")) == expected
    assert spec_for_id(calendar.pk).holiday_years == (first, last + 1)
    assert spec_for_id(other.pk).holiday_years == (first, last + 1)
    entry = _audit(calendar)[-1]
    removed, added = entry.changes["public_holidays"]
    assert removed == [f"{row.date} Renamed by an old release"]
    assert f"{row.date} {expected[row.date]}" in added
    assert all(text[:4] in (str(first + 1), str(last + 1)) for text in added)
    assert OutboxMessage.objects.filter(topic="calendar.updated").count() == 2

    # a second run writes nothing
    rows = CalendarHoliday.objects.count()
    assert public_holidays_fill(SYSTEM, today=next_year) == 0
    assert CalendarHoliday.objects.count() == rows
    assert len(_audit(calendar)) == entries + 1
    assert OutboxMessage.objects.count() == events + 2


def test_the_detail_page_lists_the_next_holidays(admin_web, admin_actor):
    calendar = _calendar(admin_actor, "DE", "BE")
    today = timezone.localdate()
    upcoming = calendar.public_holidays.filter(date__gte=today).order_by("date")[:12]

    page = admin_web.get(f"/sla/calendars/{calendar.slug}/").content.decode()

    assert "Upcoming public holidays" in page
    for holiday in upcoming:
        assert f'<time datetime="{holiday.date:%Y-%m-%d}">' in page
    past = calendar.public_holidays.filter(date__lt=today).last()
    assert f'<time datetime="{past.date:%Y-%m-%d}">' not in page


def test_a_country_module_is_loaded_alone_by_the_workers_loader_under_the_lock(monkeypatch):
    """The country's class comes from its module file through ``worker_imports.load_alone``
    (one loader of a module without its package, decisions 0114 and 0045), called while the
    country lock is held; the lazy loader gets the package's own class."""
    calls = []

    def spy(name: str) -> None:
        calls.append((name, public_holidays._COUNTRY_LOCK.locked()))
        load_alone(name)

    monkeypatch.setattr(public_holidays, "load_alone", spy)
    loader = holidays.DE
    monkeypatch.setattr(loader, "entity", None)

    public_holidays._load_country_alone(holidays, "DE")

    assert calls == [("holidays.countries.germany", True)]
    assert loader.entity is sys.modules["holidays.countries.germany"].DE  # the alias class
    assert not public_holidays._COUNTRY_LOCK.locked()
