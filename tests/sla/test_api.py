"""/api/v1/calendars and /api/v1/sla/policies through the real middleware stack."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from steward.core.models import AuditEntry
from steward.sla import selectors
from steward.sla.models import BusinessCalendar, SlaPolicy
from steward.sla.selectors import calendars as calendar_reads
from tests import factories
from tests.conftest import api_client_for
from tests.sla.conftest import office_hours

pytestmark = pytest.mark.django_db

CALENDARS = "/api/v1/calendars"
POLICIES = "/api/v1/sla/policies"
# a calendar read with a (cached) token: the cache stamps, the calendar, its hours, closures
# and its public holidays of the next twelve months
DETAIL_QUERIES = 5


def calendar_body(**overrides):
    return {
        "name": "Office",
        "time_zone": "Europe/Berlin",
        "holiday_country": "DE",
        "holiday_subdivision": "BE",
        "working_hours": office_hours(),
        **overrides,
    }


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error


def test_admin_creates_a_calendar(admin_api):
    response = admin_api.post(
        CALENDARS,
        calendar_body(
            working_hours=[{"weekday": 0, "start": "22:00", "end": "24:00"}],
            closures=[{"date": "2026-12-24", "name": "Christmas Eve"}],
        ),
    )

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["slug"] == "office"
    assert body["working_hours"] == [{"weekday": 0, "start": "22:00", "end": "24:00"}]
    assert body["closures"] == [{"date": "2026-12-24", "name": "Christmas Eve"}]
    assert body["version"] == 1


def test_a_retried_create_with_the_same_key_returns_the_first_calendar(admin_api):
    headers = {"Idempotency-Key": "cal-1"}

    first = admin_api.post(CALENDARS, calendar_body(), headers=headers)
    again = admin_api.post(CALENDARS, calendar_body(), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert BusinessCalendar.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time_zone": "Nowhere/Special"}, "time_zone"),
        ({"holiday_country": "QQ"}, "holiday_country"),
        ({"working_hours": []}, "working_hours"),
        ({"working_hours": [{"weekday": 1, "start": "18:00", "end": "09:00"}]}, "working_hours"),
        ({"working_hours": [{"weekday": 1, "start": "9:00", "end": "18:00"}]}, "working_hours"),
        # superscript digits pass str.isdigit() but not int()
        (
            {"working_hours": [{"weekday": 1, "start": "\u00b2\u00b2:00", "end": "23:00"}]},
            "working_hours",
        ),
        ({"colour": "blue"}, "colour"),
    ],
    ids=[
        "zone",
        "country",
        "no-hours",
        "backwards",
        "bad-time-format",
        "superscript-digits",
        "unknown-field",
    ],
)
def test_bad_calendar_is_422_naming_the_field(admin_api, overrides, field):
    error = assert_error(
        admin_api.post(CALENDARS, calendar_body(**overrides)), 422, "validation_error"
    )

    assert any(name.split(".")[0] == field for name in error["fields"]), error
    assert not BusinessCalendar.objects.exists()
    assert not AuditEntry.objects.filter(content_type__app_label="sla").exists()


def test_agents_read_calendars_but_only_admins_write(admin_api, agent_api, requester_api):
    admin_api.post(CALENDARS, calendar_body())

    assert agent_api.get(CALENDARS).json()["items"][0]["slug"] == "office"
    assert agent_api.get(f"{CALENDARS}/office").status_code == 200
    assert_error(agent_api.post(CALENDARS, calendar_body(name="Mine")), 403, "permission_denied")
    assert_error(agent_api.patch(f"{CALENDARS}/office", {"name": "Mine"}), 403, "permission_denied")
    assert requester_api.get(CALENDARS).json() == {"items": [], "next": None}
    assert_error(requester_api.get(f"{CALENDARS}/office"), 404, "not_found")


def test_patch_with_if_match_and_412_when_stale(admin_api):
    admin_api.post(CALENDARS, calendar_body())

    ok = admin_api.patch(
        f"{CALENDARS}/office",
        {"working_hours": [{"weekday": 5, "start": "09:00", "end": "13:00"}]},
        headers={"If-Match": '"1"'},
    )
    stale = admin_api.patch(f"{CALENDARS}/office", {"name": "Late"}, headers={"If-Match": '"1"'})

    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"2"'
    assert ok.json()["working_hours"] == [{"weekday": 5, "start": "09:00", "end": "13:00"}]
    error = assert_error(stale, 412, "stale_version")
    assert error["current_version"] == 2
    assert BusinessCalendar.objects.get().name == "Office"


def test_list_calendars_pages_without_a_query_per_row(admin_api, django_assert_max_num_queries):
    for n in range(5):
        admin_api.post(CALENDARS, calendar_body(name=f"Office {n}"))

    with django_assert_max_num_queries(8):
        first = admin_api.get(CALENDARS, {"limit": 3})
    rest = admin_api.get(CALENDARS, {"limit": 3, "cursor": first.json()["next"]})

    names = [c["name"] for c in first.json()["items"] + rest.json()["items"]]
    assert names == [f"Office {n}" for n in range(5)]
    assert rest.json()["next"] is None


@pytest.fixture
def office(admin_api):
    admin_api.post(CALENDARS, calendar_body())
    return "office"


def policy_body(**overrides):
    return {
        "name": "P1 Critical",
        "calendar": "office",
        "priorities": [1],
        "response_minutes": 15,
        "resolution_minutes": 240,
        **overrides,
    }


def test_admin_creates_and_patches_a_policy(admin_api, office):
    created = admin_api.post(POLICIES, policy_body(), headers={"Idempotency-Key": "p1"})
    patched = admin_api.patch(f"{POLICIES}/p1-critical", {"response_minutes": 30, "version": 1})

    assert created.status_code == 201, created.content
    assert created.json()["calendar"] == "office"
    assert created.json()["warning_percent"] == 75
    assert patched.status_code == 200, patched.content
    assert patched["ETag"] == '"2"'
    assert patched.json()["response_minutes"] == 30


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"response_minutes": 0}, "response_minutes"),
        ({"resolution_minutes": -60}, "resolution_minutes"),
        ({"calendar": "nowhere"}, "calendar"),
        ({"priorities": [0]}, "priorities"),
        ({"response_minutes": "soon"}, "response_minutes"),
    ],
    ids=["zero-response", "negative-resolution", "unknown-calendar", "priority-0", "not-a-number"],
)
def test_bad_policy_is_422_naming_the_field(admin_api, office, overrides, field):
    error = assert_error(
        admin_api.post(POLICIES, policy_body(**overrides)), 422, "validation_error"
    )

    assert field in error["fields"]
    assert not SlaPolicy.objects.exists()


def test_stale_policy_patch_is_412(admin_api, office):
    admin_api.post(POLICIES, policy_body())
    admin_api.patch(f"{POLICIES}/p1-critical", {"precedence": 5})

    response = admin_api.patch(
        f"{POLICIES}/p1-critical", {"precedence": 7}, headers={"If-Match": "1"}
    )

    assert_error(response, 412, "stale_version")
    assert SlaPolicy.objects.get().precedence == 5


def test_policies_list_in_precedence_order_with_filters(admin_api, agent_api, office):
    admin_api.post(POLICIES, policy_body(name="Default", precedence=1000, priorities=[]))
    admin_api.post(POLICIES, policy_body(name="Critical", precedence=10))
    admin_api.post(POLICIES, policy_body(name="Retired", precedence=1, is_active=False))

    def names(**query):
        response = agent_api.get(POLICIES, query)
        assert response.status_code == 200, response.content
        return [p["name"] for p in response.json()["items"]]

    assert names() == ["Retired", "Critical", "Default"]
    assert names(is_active="true") == ["Critical", "Default"]
    assert names(q="crit") == ["Critical"]
    assert names(calendar="office") == ["Retired", "Critical", "Default"]
    assert names(calendar="elsewhere") == []
    assert agent_api.get(f"{POLICIES}/critical").json()["precedence"] == 10
    assert_error(agent_api.post(POLICIES, policy_body(name="Mine")), 403, "permission_denied")


def test_empty_policy_filters_mean_any_and_an_unknown_one_names_its_field(admin_api, office):
    admin_api.post(POLICIES, policy_body(name="Critical", precedence=10))
    admin_api.post(POLICIES, policy_body(name="Retired", precedence=1, is_active=False))

    empty = admin_api.get(f"{POLICIES}?q=&calendar=&is_active=&cursor=&limit=")
    calendars = admin_api.get(f"{CALENDARS}?q=&cursor=&limit=")
    unknown = admin_api.get(f"{POLICIES}?is_active=perhaps")

    assert empty.status_code == 200, empty.content
    assert [p["name"] for p in empty.json()["items"]] == ["Retired", "Critical"]
    assert calendars.status_code == 200, calendars.content
    assert [c["slug"] for c in calendars.json()["items"]] == ["office"]
    assert list(assert_error(unknown, 422, "validation_error")["fields"]) == ["is_active"]


def test_an_agent_limited_to_an_organisation_sees_general_and_its_own_policies(admin_api, office):
    home = factories.OrganisationFactory(slug="home")
    factories.OrganisationFactory(slug="other")
    limited = factories.agent(username="limited", organisation=home)
    limited.served_organisations.set([home])
    admin_api.post(POLICIES, policy_body(name="General", precedence=1))
    admin_api.post(POLICIES, policy_body(name="Home", precedence=2, organisations=["home"]))
    admin_api.post(POLICIES, policy_body(name="Other", precedence=3, organisations=["other"]))
    client = api_client_for(limited)

    listed = [p["name"] for p in client.get(POLICIES).json()["items"]]

    assert listed == ["General", "Home"]
    assert_error(client.get(f"{POLICIES}/other"), 404, "not_found")
    assert client.get(f"{POLICIES}/home").status_code == 200


def _berlin_today() -> dt.date:
    return timezone.localdate(timezone=ZoneInfo("Europe/Berlin"))


def test_one_calendar_carries_its_stored_holidays_of_the_next_twelve_months(
    admin_api, django_assert_num_queries
):
    """Decision 0130: the detail reads the stored rows (one query, at most a year's), never
    the package; the list leaves them out."""
    admin_api.post(CALENDARS, calendar_body())  # DE/BE: the rows are stored
    calendar = BusinessCalendar.objects.get()
    today = _berlin_today()
    ahead = calendar.public_holidays.filter(
        date__gte=today, date__lt=calendar_reads.a_year_on(today)
    )
    expected = [{"date": f"{h.date:%Y-%m-%d}", "name": h.name} for h in ahead.order_by("date")]

    with django_assert_num_queries(DETAIL_QUERIES):
        detail = admin_api.get(f"{CALENDARS}/office")
    listed = admin_api.get(CALENDARS)

    assert detail.status_code == 200, detail.content
    assert detail.json()["holidays"] == expected
    assert 9 <= len(expected) <= 13  # Berlin's public holidays of a year
    assert "Neujahr" in [h["name"] for h in expected]
    assert "holidays" not in listed.json()["items"][0]


def test_the_twelve_months_start_today_and_end_before_the_same_date_a_year_on(admin_api):
    admin_api.post(CALENDARS, calendar_body())
    calendar = BusinessCalendar.objects.get()
    christmas = dt.date(_berlin_today().year, 12, 25)

    dates = [h.date for h in selectors.calendar_holidays_ahead(calendar, today=christmas)]

    assert dates[0] == christmas
    assert dt.date(christmas.year + 1, 1, 1) in dates
    assert dates[-1] == dt.date(christmas.year + 1, 10, 3)  # not the 25 and 26 December
    assert calendar_reads.a_year_on(dt.date(2028, 2, 29)) == dt.date(2029, 3, 1)


def test_a_patched_country_answers_its_holidays_and_unstored_rows_answer_none(admin_api):
    admin_api.post(CALENDARS, calendar_body())

    patched = admin_api.patch(
        f"{CALENDARS}/office", {"holiday_country": "FR", "holiday_subdivision": ""}
    )
    # a country changed outside the services: its rows are the old country's, not shown
    BusinessCalendar.objects.update(holiday_country="AT")
    unstored = admin_api.get(f"{CALENDARS}/office")

    assert patched.status_code == 200, patched.content
    assert "Jour de l'an" in [h["name"] for h in patched.json()["holidays"]]
    assert unstored.json()["holidays"] == []
