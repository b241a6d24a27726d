"""Input at the edges: dates a client sends outside what databases store are a 422, a null
outcome clears it, and odd numbers in page parameters are ignored; never a 500."""

from __future__ import annotations

import json

import pytest

from tests.changes.conftest import fresh, window

FAR = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"]


@pytest.mark.parametrize("value", FAR)
def test_far_dates_in_a_change_patch_are_422(admin_api, new_change, value):
    start, end = window()
    change = new_change(planned_start=start, planned_end=end)
    for body in ({"planned_start": None, "planned_end": value}, {"actual_end": value}):
        answer = admin_api.patch(f"/api/v1/changes/{change.number}", json.dumps(body))
        assert answer.status_code == 422, answer.content
        assert set(answer.json()["error"]["fields"]) <= {"planned_end", "actual_end"}
    assert fresh(change).planned_start == start


@pytest.mark.parametrize("value", FAR)
def test_far_dates_in_change_and_freeze_filters_are_422(admin_api, value):
    for path, name in (
        ("/api/v1/freeze-windows", "active_at"),
        ("/api/v1/changes", "planned_after"),
        ("/api/v1/changes", "planned_before"),
    ):
        answer = admin_api.get(path, {name: value})
        assert answer.status_code == 422, (path, answer.content)
        assert name in answer.json()["error"]["fields"]


def test_a_far_freeze_window_is_422(admin_api):
    answer = admin_api.post(
        "/api/v1/freeze-windows",
        json.dumps({"name": "Forever", "starts_at": "2030-01-01T00:00:00Z", "ends_at": FAR[1]}),
    )
    assert answer.status_code == 422, answer.content
    assert "ends_at" in answer.json()["error"]["fields"]


def test_a_null_outcome_clears_it_instead_of_a_500(admin_api, new_change):
    change = new_change()
    answer = admin_api.patch(f"/api/v1/changes/{change.number}", json.dumps({"outcome": None}))
    assert answer.status_code == 200, answer.content
    assert fresh(change).outcome == ""


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_calendar_at_the_ends_of_time_shows_today(client, admin_user, day):
    client.force_login(admin_user)
    page = client.get("/changes/calendar/", {"date": day})
    assert page.status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_odd_numbers_in_page_parameters_are_ignored_not_a_500(client, admin_user, value):
    """``"²".isdigit()`` is true but ``int("²")`` fails; 5,000 digits exceed ``int``'s limit."""
    from steward.cmdb.services import ci_create
    from steward.core.actor import Actor

    ci_ = ci_create(Actor.system("tests"), ci_class="server", name="odd-host")
    client.force_login(admin_user)
    for path, name in (
        ("/changes/", "limit"),
        ("/problems/", "priority"),
        (f"/cmdb/cis/{ci_.number}/impact/", "depth"),
    ):
        assert client.get(path, {name: value}).status_code < 500, path
