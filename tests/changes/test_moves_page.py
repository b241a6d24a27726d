"""Moving a change on from its page: status moves with their fields through htmx, refusals
in the work panel, freeze overrides, stale versions and the post-implementation review."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from steward.changes import services
from steward.changes.choices import Status
from tests import factories
from tests.changes.conftest import (
    PLANS,
    client_for,
    fresh,
    in_authorisation,
    local,
    move,
    scheduled,
    window,
)
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def test_transition_through_htmx_redirects_to_the_changed_record(web, new_change):
    change = new_change()

    response = web.post(
        f"/changes/{change.number}/move/",
        {"status": "assessment", "version": change.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/changes/{change.number}/"
    assert fresh(change).status == Status.ASSESSMENT


def test_a_move_missing_its_fields_comes_back_in_the_work_panel(web, agent_actor, new_change):
    template = services.template_create(
        as_actor(factories.admin(username="boss")), name="Restart app", **PLANS
    )
    change = services.change_create(agent_actor, title="Standard restart", template=template.slug)
    move(agent_actor, change, Status.ASSESSMENT)
    change = fresh(change)

    response = web.post(
        f"/changes/{change.number}/move/",
        {"status": "scheduled", "version": change.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert b'id="work"' in response.content
    assert b"<html" not in response.content
    assert b"required for this status change" in response.content
    assert fresh(change).status == Status.ASSESSMENT


def test_an_illegal_move_is_refused_with_the_allowed_states(web, new_change):
    change = new_change()

    response = web.post(
        f"/changes/{change.number}/move/", {"status": "closed", "version": change.version}
    )

    assert response.status_code == 422
    assert b"allowed next states" in response.content
    assert fresh(change).status == Status.DRAFT


def test_scheduling_into_a_freeze_needs_an_override_reason(
    web, agent_actor, new_change, cm, cm_user, stack
):
    start, end = window()
    services.freeze_create(
        cm,
        name="Year-end freeze",
        starts_at=start - dt.timedelta(hours=1),
        ends_at=end + dt.timedelta(hours=1),
    )
    change = new_change(cis=[stack["app"].number], planned_start=start, planned_end=end)
    change = in_authorisation(agent_actor, change)
    approval = change.approvals.get()
    services.approval_decide(cm, number=change.number, approval_id=approval.pk, decision="approve")
    change = fresh(change)
    detail = web.get(f"/changes/{change.number}/")
    assert b"Year-end freeze" in detail.content  # the conflicts panel

    refused = web.post(
        f"/changes/{change.number}/move/",
        {
            "status": "scheduled",
            "version": change.version,
            "planned_start": local(start),
            "planned_end": local(end),
        },
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert b"required to schedule despite conflicts" in refused.content
    assert fresh(change).status == Status.AUTHORIZATION

    done = web.post(
        f"/changes/{change.number}/move/",
        {
            "status": "scheduled",
            "version": change.version,
            "planned_start": local(start),
            "planned_end": local(end),
            "override_reason": "Security fix cannot wait",
        },
        HTTP_HX_REQUEST="true",
    )
    assert done.status_code == 204
    assert fresh(change).status == Status.SCHEDULED
    assert fresh(change).schedule_override_reason == "Security fix cannot wait"


def test_a_stale_move_says_so_and_offers_a_reload(web, new_change):
    change = new_change()
    move_to = web.post(
        f"/changes/{change.number}/move/", {"status": "assessment", "version": change.version}
    )

    stale = web.post(
        f"/changes/{change.number}/move/", {"status": "cancelled", "version": change.version}
    )

    assert move_to.status_code == 303
    assert stale.status_code == 422
    assert b"changed since you opened it" in stale.content
    assert b">Reload</a>" in stale.content
    assert fresh(change).status == Status.ASSESSMENT


def test_post_implementation_review_form(web, agent_actor, new_change, cm, cm_user):
    change = scheduled(
        agent_actor, cm, new_change(planned_start=window()[0], planned_end=window()[1])
    )
    move(agent_actor, change, Status.IMPLEMENTATION, start_early=True)
    move(agent_actor, change, Status.FAILED, outcome="backed_out")
    change = fresh(change)
    assert b"Post-implementation review" in web.get(f"/changes/{change.number}/").content

    missing = web.post(
        f"/changes/{change.number}/review/", {"outcome": "not_met"}, HTTP_HX_REQUEST="true"
    )
    done = web.post(
        f"/changes/{change.number}/review/",
        {"outcome": "not_met", "notes": "Disk filled up mid-way."},
    )

    assert missing.status_code == 422
    assert b'id="review"' in missing.content
    assert done.status_code == 303
    assert fresh(change).review.notes == "Disk filled up mid-way."


def _offered(client, change) -> set[str]:
    page = client.get(f"/changes/{change.number}/").content.decode()
    return set(re.findall(r'data-status="(\w+)"', page))


def test_schedule_is_offered_once_the_change_is_authorised(web, agent_actor, new_change, cm):
    change = in_authorisation(
        agent_actor, new_change(planned_start=window()[0], planned_end=window()[1])
    )
    assert change.approval_state == "pending"
    assert "scheduled" not in _offered(web, change)
    assert "implementation" not in _offered(web, change)  # only emergencies skip it

    for approval in change.approvals.all():
        services.approval_decide(
            cm, number=change.number, approval_id=approval.pk, decision="approve"
        )
    assert "scheduled" in _offered(web, fresh(change))


def test_implement_now_is_offered_for_emergencies_only(web, agent_actor, new_change):
    normal = new_change()
    emergency = new_change(type="emergency")
    for change in (normal, emergency):
        move(agent_actor, change, Status.ASSESSMENT)

    assert "implementation" not in _offered(web, fresh(normal))
    assert "implementation" in _offered(web, fresh(emergency))


def test_a_schedule_conflict_on_the_page_reads_as_words_the_api_keeps_its_codes(
    web, agent_api, agent_actor, new_change, cm, stack
):
    start, end = window()
    first = scheduled(
        agent_actor,
        cm,
        new_change(
            title="Patch the server",
            cis=[stack["server"].number],
            planned_start=start,
            planned_end=end,
        ),
    )
    second = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    second = in_authorisation(agent_actor, second)
    for approval in second.approvals.all():
        services.approval_decide(
            cm, number=second.number, approval_id=approval.pk, decision="approve"
        )
    second = fresh(second)

    page = web.post(
        f"/changes/{second.number}/move/",
        {
            "status": "scheduled",
            "version": second.version,
            "planned_start": local(start),
            "planned_end": local(end),
        },
        HTTP_HX_REQUEST="true",
    )
    api = agent_api.patch(f"/api/v1/changes/{second.number}", {"status": "scheduled"})

    assert page.status_code == 422
    text = page.content.decode()
    assert f"{first.number} Patch the server, on the same CI" in text
    said = " ".join(re.findall(r'class="error"[^>]*>(.*?)</', text, re.S))
    assert "on the same CI" in said
    assert "same_ci" not in said
    assert "override_reason" not in said
    assert api.status_code == 409
    body = api.json()["error"]
    assert body["code"] == "schedule_conflict"
    assert "override_reason" in body["fields"]
    assert body["conflicts"]["changes"][0]["relation"] == "same_ci"


def test_requesting_authorisation_of_ones_own_change_never_reads_no_approval_needed(
    cm_user, cm, admin_user
):
    """The demo's `cm` (the only change manager) asked for authorisation of her own change
    and the page said "No approval needed." (walk38): it now waits for an administrator."""
    page = client_for(cm_user)
    change = move(cm, services.change_create(cm, title="Patch the VM host", **PLANS), "assessment")

    page.post(
        f"/changes/{change.number}/move/", {"status": "authorization", "version": change.version}
    )

    html = page.get(f"/changes/{change.number}/").content.decode()
    assert "No approval needed" not in html
    assert fresh(change).approval_state == "pending"
    assert admin_user.username in html or admin_user.get_full_name() in html


def test_with_nobody_to_stand_in_the_page_says_who_must_be_added(cm_user, cm):
    page = client_for(cm_user)
    change = move(cm, services.change_create(cm, title="Patch the VM host", **PLANS), "assessment")

    refused = page.post(
        f"/changes/{change.number}/move/", {"status": "authorization", "version": change.version}
    )

    assert refused.status_code == 422  # the page's refused form, as for any refused move
    text = refused.content.decode().replace("&#x27;", "'")
    assert "Nobody may approve 'Change manager' for this change" in text
    assert "add another change manager or an administrator" in text
    assert fresh(change).status == Status.ASSESSMENT


def test_start_implementation_days_ahead_warns_and_needs_the_tick(web, agent_actor, new_change, cm):
    start, end = window()
    change = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))
    page = web.get(f"/changes/{change.number}/").content.decode()
    assert "The planned window starts on " in page
    assert "start now anyway?" in page
    assert 'name="start_early"' in page
    posted = {"status": "implementation", "version": fresh(change).version}

    refused = web.post(f"/changes/{change.number}/move/", posted, HTTP_HX_REQUEST="true")
    started = web.post(f"/changes/{change.number}/move/", {**posted, "start_early": "on"})

    assert refused.status_code == 422
    field = re.search(r'<div class="field[^"]*invalid.*?</div>', refused.content.decode(), re.S)
    assert "Start before the planned window" in field.group(0)
    assert "the planned window starts on" in field.group(0)
    assert started.status_code == 303
    assert fresh(change).status == Status.IMPLEMENTATION
