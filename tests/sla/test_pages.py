"""The administrator's SLA pages through Django's test client with the real middleware:
administrators add and edit calendars and policies through the services, a refused value
shows beside its field with 422, agents read only, requesters get the 404 page."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.models import AuditEntry
from steward.sla import demo
from steward.sla.models import BusinessCalendar, SlaPolicy
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

OFFICE = {f"hours_{day}": "08:00-12:00, 13:00-17:00" for day in range(5)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_web(admin_user):
    return client_for(admin_user)


@pytest.fixture
def agent_web(agent_user):
    return client_for(agent_user)


def errors_beside(content: bytes, field: str) -> list[str]:
    """The messages inside the ``.field`` that holds the input named ``field``."""
    fields = [
        e
        for e in elements(content, "div")
        if "field" in e.attrs.get("class", "").split()
        and any(i.attrs.get("name") == field for i in elements(content) if e in i.ancestors)
    ]
    assert fields, f"no field {field} on the page"
    return [
        text_of(span)
        for span in elements(content, "span", **{"class": "error"})
        if fields[0] in span.ancestors
    ]


def calendar_data(**overrides) -> dict:
    return {
        "name": "Sydney support",
        "time_zone": "Australia/Sydney",
        "holiday_country": "AU",
        "holiday_subdivision": "NSW",
        "closures": "2026-12-24 Christmas Eve\n2026-12-31 New Year's Eve",
        **OFFICE,
        **overrides,
    }


def test_an_administrator_adds_a_calendar_and_lands_on_its_page(admin_web):
    response = admin_web.post("/sla/calendars/new/", calendar_data(hours_5="10:00-14:00"))

    calendar = BusinessCalendar.objects.get(name="Sydney support")
    assert response.status_code == 303
    assert response["Location"] == f"/sla/calendars/{calendar.slug}/"
    assert (calendar.time_zone, calendar.holiday_country) == ("Australia/Sydney", "AU")
    assert calendar.working_hours.count() == 11
    assert calendar.closures.count() == 2
    assert AuditEntry.objects.filter(object_id=str(calendar.pk), action="create").exists()
    page = admin_web.get(response["Location"])
    assert b"08:00-12:00, 13:00-17:00" in page.content
    assert b"10:00-14:00" in page.content
    assert b"Christmas Eve" in page.content


def test_a_bad_time_zone_shows_beside_its_field_and_keeps_what_was_typed(admin_web):
    response = admin_web.post("/sla/calendars/new/", calendar_data(time_zone="Mars/Olympus"))

    assert response.status_code == 422
    assert errors_beside(response.content, "time_zone") == [
        "not an IANA time zone such as Europe/Berlin"
    ]
    assert b'value="Sydney support"' in response.content
    assert not BusinessCalendar.objects.exists()


def test_a_bad_interval_shows_beside_its_weekday(admin_web):
    typo = admin_web.post("/sla/calendars/new/", calendar_data(hours_2="08:00"))
    backwards = admin_web.post("/sla/calendars/new/", calendar_data(hours_3="17:00-09:00"))
    overlap = admin_web.post(
        "/sla/calendars/new/", calendar_data(hours_4="08:00-12:00, 11:00-13:00")
    )
    none = admin_web.post(
        "/sla/calendars/new/", calendar_data(**{f"hours_{day}": "" for day in range(5)})
    )

    assert [r.status_code for r in (typo, backwards, overlap, none)] == [422] * 4
    assert "is not an interval" in errors_beside(typo.content, "hours_2")[0]
    assert errors_beside(backwards.content, "hours_3") == ["end 09:00 must be after start 17:00"]
    assert errors_beside(overlap.content, "hours_4") == [
        "Fri 11:00-13:00 overlaps another interval"
    ]
    assert b"Working hours: the calendar has no working time" in none.content
    assert not BusinessCalendar.objects.exists()


def test_an_administrator_edits_a_calendar_and_only_the_change_is_audited(admin_web, calendar):
    form = admin_web.get(f"/sla/calendars/{calendar.slug}/edit/")
    assert form.status_code == 200
    [version] = elements(form.content, "input", name="version")

    data = {
        "version": version.attrs["value"],
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "holiday_country": "DE",
        "holiday_subdivision": "BE",
        "closures": "2026-12-24 Christmas Eve (company holiday)\n"
        "2026-12-31 New Year's Eve (company holiday)",
        **{f"hours_{day}": "08:00-12:00, 13:00-18:00" for day in range(5)},
        "hours_5": "09:00-13:00",
    }
    response = admin_web.post(f"/sla/calendars/{calendar.slug}/edit/", data)

    assert response.status_code == 303
    entry = AuditEntry.objects.filter(object_id=str(calendar.pk), action="update").get()
    assert sorted(entry.changes) == ["working_hours"]
    assert calendar.working_hours.filter(weekday=5).count() == 1
    stale = admin_web.post(f"/sla/calendars/{calendar.slug}/edit/", {**data, "hours_5": ""})
    assert stale.status_code == 422
    assert b"Reload" in stale.content


def policy_data(**overrides) -> dict:
    return {
        "name": "Gold customers P1",
        "calendar": demo.CALENDAR,
        "response_minutes": "30",
        "resolution_minutes": "240",
        "warning_percent": "80",
        "priorities": ["1", "2"],
        "categories": "network, email",
        "services": "",
        "organisations": "",
        "precedence": "5",
        "is_active": "on",
        **overrides,
    }


def test_an_administrator_adds_a_policy_and_lands_on_its_page(admin_web, calendar):
    response = admin_web.post("/sla/policies/new/", policy_data())

    policy = SlaPolicy.objects.get(name="Gold customers P1")
    assert response.status_code == 303
    assert response["Location"] == f"/sla/policies/{policy.slug}/"
    assert (policy.calendar, policy.priorities, policy.categories) == (
        calendar,
        [1, 2],
        ["email", "network"],
    )
    assert (policy.response_minutes, policy.resolution_minutes, policy.precedence) == (30, 240, 5)
    page = admin_web.get(response["Location"])
    assert b"30 min" in page.content
    assert b"4 h" in page.content
    assert b"P1, P2" in page.content


def test_a_bad_policy_value_shows_beside_its_field(admin_web, calendar):
    zero = admin_web.post("/sla/policies/new/", policy_data(response_minutes="0"))
    words = admin_web.post("/sla/policies/new/", policy_data(resolution_minutes="four hours"))
    stranger = admin_web.post("/sla/policies/new/", policy_data(organisations="nobody-inc"))

    assert [r.status_code for r in (zero, words, stranger)] == [422] * 3
    assert errors_beside(zero.content, "response_minutes") == [
        "a whole number of business minutes, 1 to 1000000"
    ]
    assert errors_beside(words.content, "resolution_minutes") == ["Enter a whole number."]
    assert errors_beside(stranger.content, "organisations") == ["no organisation nobody-inc"]
    assert not SlaPolicy.objects.filter(name="Gold customers P1").exists()


def test_an_administrator_edits_a_policy(admin_web, calendar):
    policy = SlaPolicy.objects.get(slug="p1")
    form = admin_web.get(f"/sla/policies/{policy.slug}/edit/")
    [version] = elements(form.content, "input", name="version")

    response = admin_web.post(
        f"/sla/policies/{policy.slug}/edit/",
        policy_data(name=policy.name, version=version.attrs["value"], response_minutes="20"),
    )

    policy.refresh_from_db()
    assert response.status_code == 303
    assert policy.response_minutes == 20
    assert policy.categories == ["email", "network"]


def test_an_agent_reads_but_is_offered_no_edit(agent_web, calendar):
    pages = [
        agent_web.get("/sla/"),
        agent_web.get("/sla/policies/p1/"),
        agent_web.get("/sla/calendars/"),
        agent_web.get(f"/sla/calendars/{calendar.slug}/"),
    ]

    assert [p.status_code for p in pages] == [200] * 4
    for page in pages:
        assert b"/edit/" not in page.content
        assert b"/new/" not in page.content
    assert b"P1 Critical" in pages[0].content
    assert b"Berlin office hours" in pages[2].content
    for path in ("/sla/policies/new/", "/sla/policies/p1/edit/", "/sla/calendars/new/"):
        assert agent_web.get(path).status_code == 403
    refused = agent_web.post("/sla/calendars/new/", calendar_data())
    assert refused.status_code == 403
    assert not BusinessCalendar.objects.filter(name="Sydney support").exists()


def test_the_administrator_is_offered_new_and_edit(admin_web, calendar):
    policies = admin_web.get("/sla/")
    one = admin_web.get(f"/sla/calendars/{calendar.slug}/")

    assert b'href="/sla/policies/new/"' in policies.content
    assert f'href="/sla/calendars/{calendar.slug}/edit/"'.encode() in one.content


def test_a_requester_gets_the_not_found_page(requester_user, calendar):
    web = client_for(requester_user)

    for path in (
        "/sla/",
        "/sla/policies/p1/",
        "/sla/policies/new/",
        "/sla/calendars/",
        f"/sla/calendars/{calendar.slug}/",
        f"/sla/calendars/{calendar.slug}/edit/",
    ):
        assert web.get(path).status_code == 404, path


def test_an_unknown_filter_value_shows_beside_its_field(admin_web, calendar):
    response = admin_web.get("/sla/?is_active=perhaps")

    assert response.status_code == 422
    assert b"P1 Critical" not in response.content
    assert b"change the filter marked above" in response.content


def test_the_policy_list_filters_by_calendar_and_activity(admin_web, admin_actor, calendar):
    from steward.sla.services import policy_update

    policy_update(admin_actor, slug="p5", expected_version=None, changes={"is_active": False})

    inactive = admin_web.get("/sla/", {"is_active": "false"})
    searched = admin_web.get("/sla/", {"q": "critical", "calendar": calendar.slug})

    assert b"P5 Planning" in inactive.content
    assert b"P1 Critical" not in inactive.content
    assert b"P1 Critical" in searched.content
    assert b"P2 High" not in searched.content


def test_the_calendar_search_narrows_the_rows_in_place(admin_web, admin_actor, calendar):
    from steward.sla.services import calendar_create
    from tests.sla.conftest import office_hours

    calendar_create(
        admin_actor,
        name="Sydney support",
        time_zone="Australia/Sydney",
        working_hours=office_hours(),
    )

    rows = admin_web.get(
        "/sla/calendars/", {"q": "sydney", "partial": "1"}, headers={"HX-Request": "true"}
    )
    bad = admin_web.get("/sla/calendars/", {"limit": "many"})

    assert rows.status_code == 200
    assert b"<html" not in rows.content
    assert b"Sydney support" in rows.content
    assert b"Berlin office hours" not in rows.content
    assert b"5 days a week" in rows.content
    assert bad.status_code == 422
    assert b"limit:" in bad.content
    assert b"Berlin office hours" in bad.content  # the other filters still apply


def test_an_unmatched_calendar_search_says_so(admin_web, calendar):
    """Not "No business calendar yet." (there is one): the search matched none."""
    none = admin_web.get(
        "/sla/calendars/", {"q": "atlantis", "partial": "1"}, headers={"HX-Request": "true"}
    )
    every = admin_web.get("/sla/calendars/")

    assert none.status_code == 200
    assert "No calendar's name matches the search." in none.content.decode()
    assert b"No business calendar yet." not in none.content
    assert b"Berlin office hours" in every.content


def test_a_policy_changed_meanwhile_is_not_overwritten(admin_web, admin_actor, calendar):
    from steward.sla.services import policy_update

    form = admin_web.get("/sla/policies/p2/edit/")
    [version] = elements(form.content, "input", name="version")
    policy_update(admin_actor, slug="p2", expected_version=None, changes={"response_minutes": 45})

    response = admin_web.post(
        "/sla/policies/p2/edit/",
        policy_data(name="P2 High", version=version.attrs["value"], response_minutes="90"),
    )

    assert response.status_code == 422
    assert b"Reload" in response.content
    assert SlaPolicy.objects.get(slug="p2").response_minutes == 45


def test_the_policy_form_shows_picked_organisations_by_name(admin_web, calendar):
    from tests import factories

    factories.OrganisationFactory(slug="acme", name="Acme Corporation")
    response = admin_web.post("/sla/policies/new/", policy_data(organisations=["acme"]))
    policy = SlaPolicy.objects.get(name="Gold customers P1")
    assert response.status_code == 303
    assert policy.organisations == ["acme"]

    form = admin_web.get(f"/sla/policies/{policy.slug}/edit/")

    [chip] = [
        e
        for e in elements(form.content, "li")
        if "chip" in e.attrs.get("class", "") and "Acme Corporation" in text_of(e)
    ]
    assert elements(form.content, "input", name="organisations")[0].attrs["value"] == "acme"
    assert elements(form.content, "input", role="combobox", name="organisations_label")


def test_the_policy_page_names_its_conditions(admin_web, calendar):
    """The defect: the policy's page listed slugs (``hardware-monitor``, ``acme``)."""
    from tests import factories

    factories.OrganisationFactory(slug="acme", name="Acme Corporation")
    response = admin_web.post(
        "/sla/policies/new/",
        policy_data(categories="hardware-monitor", organisations=["acme"]),
    )
    assert response.status_code == 303

    page = admin_web.get(response["Location"])

    terms = zip(elements(page.content, "dt"), elements(page.content, "dd"), strict=True)
    facts = {text_of(term): text_of(value) for term, value in terms}
    assert "Monitor" in facts["Categories"]
    assert "hardware-monitor" not in facts["Categories"]
    assert facts["Organisations"] == "Acme Corporation"
    assert facts["Services"] == "any"
