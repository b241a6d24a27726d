"""Calendars and policies: each write asserts record, audit and outbox; each rejected write
asserts that nothing was written."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from steward.sla import demo, selectors
from steward.sla.models import BusinessCalendar, SlaPolicy, WorkingHours
from steward.sla.services import calendar_create, calendar_update, policy_create, policy_update
from tests import factories
from tests.sla.conftest import office_hours

pytestmark = pytest.mark.django_db


def audit_for(obj):
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def new_calendar(actor, **overrides):
    values = {
        "name": "Office",
        "time_zone": "Europe/Berlin",
        "holiday_country": "DE",
        "holiday_subdivision": "BE",
        "working_hours": office_hours(),
    }
    return calendar_create(actor, **{**values, **overrides})


def assert_nothing_written():
    assert not BusinessCalendar.objects.exists()
    assert not WorkingHours.objects.exists()
    assert not AuditEntry.objects.filter(content_type__app_label="sla").exists()
    assert not OutboxMessage.objects.exists()


def test_calendar_create_writes_hours_closures_audit_and_outbox(admin_actor):
    calendar = new_calendar(admin_actor, closures=[{"date": "2026-12-24", "name": "Christmas Eve"}])

    assert calendar.slug == "office"
    assert calendar.working_hours.count() == 10
    assert list(calendar.closures.values_list("date", flat=True)) == [dt.date(2026, 12, 24)]
    [entry] = audit_for(calendar)
    assert entry.action == "create"
    assert entry.changes["time_zone"] == [None, "Europe/Berlin"]
    assert entry.changes["working_hours"][1][:2] == ["Mon 08:00-12:00", "Mon 13:00-18:00"]
    assert entry.changes["closures"] == [None, ["2026-12-24 Christmas Eve"]]
    assert OutboxMessage.objects.filter(topic="calendar.created").count() == 1


def test_an_interval_may_end_at_midnight(admin_actor):
    calendar = new_calendar(
        admin_actor, working_hours=[{"weekday": 6, "start": "00:00", "end": "24:00"}]
    )

    spec = selectors.calendar_spec(calendar)

    assert spec.weekly[6] == ((0, 1440),)
    assert calendar.working_hours.get().end == dt.time(0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "working_hours": [
                    {"weekday": 0, "start": "08:00", "end": "12:00"},
                    {"weekday": 0, "start": "11:00", "end": "14:00"},
                ]
            },
            "working_hours",
        ),
        ({"working_hours": [{"weekday": 0, "start": "12:00", "end": "08:00"}]}, "working_hours"),
        ({"working_hours": [{"weekday": 0, "start": "08:00", "end": "08:00"}]}, "working_hours"),
        ({"working_hours": []}, "working_hours"),
        ({"working_hours": [{"weekday": 7, "start": "08:00", "end": "12:00"}]}, "working_hours"),
        ({"working_hours": [{"weekday": 0, "start": "8am", "end": "12:00"}]}, "working_hours"),
        ({"time_zone": "Europe/Springfield"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_subdivision": "ZZ"}, "holiday_subdivision"),
        ({"holiday_country": "", "holiday_subdivision": "BE"}, "holiday_subdivision"),
        (
            {
                "closures": [
                    {"date": "2026-12-24", "name": "Eve"},
                    {"date": "2026-12-24", "name": "Again"},
                ]
            },
            "closures",
        ),
        ({"closures": [{"date": "24.12.2026", "name": "Eve"}]}, "closures"),
        ({"name": "  "}, "name"),
    ],
    ids=[
        "overlap",
        "end-before-start",
        "empty-interval",
        "no-working-time",
        "weekday-7",
        "not-hh-mm",
        "unknown-zone",
        "no-zone",
        "unknown-country",
        "unknown-subdivision",
        "subdivision-without-country",
        "duplicate-closure",
        "closure-date-format",
        "blank-name",
    ],
)
def test_bad_calendar_is_422_naming_the_field_and_writes_nothing(admin_actor, overrides, field):
    with pytest.raises(ValidationFailed) as failure:
        new_calendar(admin_actor, **overrides)

    assert failure.value.status == 422
    assert field in failure.value.fields
    assert_nothing_written()


def test_only_admins_create_calendars(agent_actor):
    with pytest.raises(PermissionDenied):
        new_calendar(agent_actor)

    assert_nothing_written()


def test_calendar_update_replaces_hours_and_audits_before_and_after(admin_actor):
    calendar = new_calendar(admin_actor)

    updated = calendar_update(
        admin_actor,
        slug="office",
        expected_version=1,
        changes={"working_hours": [{"weekday": 5, "start": "09:00", "end": "13:00"}]},
    )

    assert updated.version == 2
    assert [str(h) for h in updated.working_hours.all()] == ["Sat 09:00-13:00"]
    entry = audit_for(calendar)[-1]
    assert entry.action == "update"
    assert entry.changes["working_hours"][1] == ["Sat 09:00-13:00"]
    assert len(entry.changes["working_hours"][0]) == 10
    assert OutboxMessage.objects.filter(topic="calendar.updated").count() == 1


def test_stale_or_bad_calendar_update_changes_nothing(admin_actor):
    new_calendar(admin_actor)

    with pytest.raises(StaleVersion):
        calendar_update(admin_actor, slug="office", expected_version=0, changes={"name": "X"})
    with pytest.raises(ValidationFailed) as failure:
        calendar_update(
            admin_actor,
            slug="office",
            expected_version=1,
            changes={"working_hours": [], "time_zone": "Mars/Olympus"},
        )

    assert set(failure.value.fields) == {"working_hours", "time_zone"}
    calendar = BusinessCalendar.objects.get()
    assert (calendar.name, calendar.version, calendar.working_hours.count()) == ("Office", 1, 10)
    assert [e.action for e in audit_for(calendar)] == ["create"]


def test_changing_the_country_checks_the_kept_subdivision(admin_actor):
    new_calendar(admin_actor)

    with pytest.raises(ValidationFailed) as failure:
        calendar_update(
            admin_actor, slug="office", expected_version=1, changes={"holiday_country": "US"}
        )

    assert "holiday_subdivision" in failure.value.fields


def new_policy(actor, **overrides):
    values = {
        "name": "P1 Critical",
        "calendar": "office",
        "priorities": [1],
        "response_minutes": 15,
        "resolution_minutes": 240,
    }
    return policy_create(actor, **{**values, **overrides})


def test_policy_create_writes_record_audit_and_outbox(admin_actor):
    calendar = new_calendar(admin_actor)
    org = factories.OrganisationFactory(slug="acme")

    policy = new_policy(admin_actor, organisations=[org.slug], categories=["network", "network"])

    assert (policy.slug, policy.calendar, policy.warning_percent) == ("p1-critical", calendar, 75)
    assert policy.categories == ["network"]
    [entry] = audit_for(policy)
    assert entry.changes["response_minutes"] == [None, 15]
    assert entry.changes["calendar"] == [None, calendar.pk]
    assert OutboxMessage.objects.filter(topic="sla_policy.created").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"response_minutes": 0}, "response_minutes"),
        ({"response_minutes": -5}, "response_minutes"),
        ({"resolution_minutes": 0}, "resolution_minutes"),
        ({"resolution_minutes": True}, "resolution_minutes"),
        ({"calendar": "no-such-calendar"}, "calendar"),
        ({"priorities": [6]}, "priorities"),
        ({"warning_percent": 100}, "warning_percent"),
        ({"warning_percent": 0}, "warning_percent"),
        ({"organisations": ["nobody"]}, "organisations"),
        ({"categories": [""]}, "categories"),
        # a NUL: PostgreSQL's jsonb refuses \u0000 (a DataError, 500); a line break is no key
        ({"categories": ["a\x00b"]}, "categories"),
        ({"services": ["svc\x00"]}, "services"),
        ({"organisations": ["\x00"]}, "organisations"),
        ({"categories": ["two\nlines"]}, "categories"),
        ({"precedence": -1}, "precedence"),
        ({"name": ""}, "name"),
    ],
    ids=[
        "zero-response",
        "negative-response",
        "zero-resolution",
        "bool-resolution",
        "unknown-calendar",
        "priority-6",
        "warning-100",
        "warning-0",
        "unknown-organisation",
        "blank-category",
        "nul-category",
        "nul-service",
        "nul-organisation",
        "multiline-category",
        "negative-precedence",
        "blank-name",
    ],
)
def test_bad_policy_is_422_naming_the_field_and_writes_nothing(admin_actor, overrides, field):
    new_calendar(admin_actor)

    with pytest.raises(ValidationFailed) as failure:
        new_policy(admin_actor, **overrides)

    assert failure.value.status == 422
    assert field in failure.value.fields
    assert not SlaPolicy.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="slapolicy").exists()
    assert not OutboxMessage.objects.filter(topic__startswith="sla_policy").exists()


def test_policy_update_audits_and_bumps_the_version(admin_actor):
    new_calendar(admin_actor)
    policy = new_policy(admin_actor)

    updated = policy_update(
        admin_actor, slug=policy.slug, expected_version=1, changes={"response_minutes": 30}
    )

    assert (updated.version, updated.response_minutes) == (2, 30)
    assert audit_for(policy)[-1].changes == {"response_minutes": [15, 30]}


def test_stale_or_bad_policy_update_changes_nothing(admin_actor):
    new_calendar(admin_actor)
    policy = new_policy(admin_actor)

    with pytest.raises(StaleVersion):
        policy_update(admin_actor, slug=policy.slug, expected_version=3, changes={"precedence": 1})
    with pytest.raises(ValidationFailed) as failure:
        policy_update(
            admin_actor,
            slug=policy.slug,
            expected_version=1,
            changes={"resolution_minutes": 0, "calendar": "gone"},
        )

    assert set(failure.value.fields) == {"resolution_minutes", "calendar"}
    policy.refresh_from_db()
    assert (policy.version, policy.resolution_minutes, policy.precedence) == (1, 240, 100)


def test_only_admins_change_policies(admin_actor, agent_actor):
    new_calendar(admin_actor)
    policy = new_policy(admin_actor)

    with pytest.raises(PermissionDenied):
        new_policy(agent_actor, name="Other")
    with pytest.raises(PermissionDenied):
        policy_update(agent_actor, slug=policy.slug, expected_version=1, changes={"name": "X"})


def test_demo_load_is_realistic_and_repeatable(db):
    demo.load()
    demo.load()

    calendar = BusinessCalendar.objects.get()
    assert (calendar.time_zone, calendar.holiday_country, calendar.holiday_subdivision) == (
        "Europe/Berlin",
        "DE",
        "BE",
    )
    assert calendar.working_hours.count() == 10
    targets = list(
        SlaPolicy.objects.order_by("precedence").values_list(
            "priorities", "response_minutes", "resolution_minutes"
        )
    )
    assert targets[0] == ([1], 15, 240)
    assert targets[-1] == ([5], 3 * 540, 20 * 540)
    assert len(targets) == 5
