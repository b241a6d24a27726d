"""The change pages with Django's test client: list, record, form, transitions, CAB agenda,
calendar and freeze windows; visibility, validation and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from steward.changes import services
from steward.changes.choices import ApprovalState, Status
from steward.changes.models import Change, ChangeCI, FreezeWindow
from steward.changes.page_queries import overlapping
from steward.changes.pages.calendar import _days_of
from tests import factories
from tests.changes.conftest import PLANS, fresh, move, scheduled, window
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db

HIGH = {"outage": "full", "backout": "impossible"}  # 4 + 4 = 8: high


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def web(agent_user) -> Client:
    return client_for(agent_user)


@pytest.fixture
def cm_web(cm_user) -> Client:
    return client_for(cm_user)


def local(value: dt.datetime) -> str:
    """How a datetime-local input sends a time (in the user's zone, here the default)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def in_authorisation(actor, change) -> Change:
    move(actor, change, Status.ASSESSMENT)
    move(actor, change, Status.AUTHORIZATION)
    return fresh(change)


# --- list ---------------------------------------------------------------------------------


def test_list_shows_the_agents_changes_with_risk_badges(web, new_change):
    new_change(title="Patch the mail relay", risk_answers=HIGH)

    page = web.get("/changes/?queue=mine")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Patch the mail relay" in text
    assert re.search(r'class="risk"[^>]*>High risk<', text)


def test_list_filters_by_risk_and_htmx_returns_only_rows(web, new_change):
    new_change(title="Risky one", risk_answers=HIGH)
    new_change(title="Harmless one")

    page = web.get("/changes/?queue=all&risk=high&partial=1", HTTP_HX_REQUEST="true")

    assert b"<html" not in page.content
    assert b"Risky one" in page.content
    assert b"Harmless one" not in page.content


def test_list_queue_awaiting_my_approval(agent_actor, new_change, cm_user):
    waiting = in_authorisation(agent_actor, new_change(title="Needs the CM"))
    new_change(title="Still a draft")

    page = client_for(cm_user).get("/changes/?queue=awaiting")

    assert waiting.number.encode() in page.content
    assert b"Still a draft" not in page.content


def test_list_with_an_unknown_filter_value_is_a_4xx_not_a_500(web):
    page = web.get("/changes/?queue=all&status=bogus")

    assert page.status_code == 422
    assert b"unknown value" in page.content


def test_list_pages_with_a_cursor(web, new_change):
    for i in range(3):
        new_change(title=f"Paged {i}")

    first = web.get("/changes/?queue=all&limit=2").content.decode()
    cursor = re.search(r"cursor=([^&\"]+)", first)[1]
    rest = web.get(f"/changes/?queue=all&limit=2&cursor={cursor}").content.decode()

    assert first.count("Paged ") == 2
    assert rest.count("Paged ") == 1
    assert {"Paged 0", "Paged 1", "Paged 2"} == set(re.findall(r"Paged \d", first + rest))


def test_list_query_count_does_not_grow_with_the_rows(web, new_change, stack):
    def count(n: int) -> int:
        for _ in range(n):
            new_change(cis=[stack["server"].number], team=None)
        with CaptureQueriesContext(connection) as ctx:
            assert web.get("/changes/?queue=all").status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(12)


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_fields_plans_cis_services_risk_and_moves(web, new_change, stack):
    change = new_change(
        title="Upgrade shop server", cis=[stack["server"].number], risk_answers=HIGH
    )

    page = web.get(f"/changes/{change.number}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert PLANS["backout_plan"] in text
    assert f'href="/cmdb/cis/{stack["server"].number}/"' in text
    assert f'href="/cmdb/cis/{stack["service"].number}/"' in text  # the impacted service
    assert "Full outage" in text  # the questionnaire answer's label
    assert any(reason.split(":")[0] in text for reason in change.risk_reasons)
    assert 'value="assessment"' in text
    assert "Submit for assessment" in text


def test_requester_gets_404_for_a_change_they_may_not_see(new_change, requester_user):
    other = new_change(title="Someone else's")

    client = client_for(requester_user)

    assert client.get(f"/changes/{other.number}/").status_code == 404
    assert (
        client.post(
            f"/changes/{other.number}/move/", {"status": "cancelled", "version": 1}
        ).status_code
        == 404
    )
    assert client.get(f"/changes/{other.number}/conflicts/").status_code == 404
    assert b"Someone else" not in client.get("/changes/?queue=all").content


def test_requester_sees_their_own_change_without_move_buttons(new_change, requester_user):
    own = new_change(title="Mine to follow", requester=requester_user.username)

    page = client_for(requester_user).get(f"/changes/{own.number}/")

    assert page.status_code == 200
    assert b"Mine to follow" in page.content
    assert b'name="status"' not in page.content


def test_detail_query_count_is_bounded(web, new_change, stack):
    change = new_change(cis=[stack["server"].number, stack["app"].number])
    with CaptureQueriesContext(connection) as ctx:
        web.get(f"/changes/{change.number}/")
    assert len(ctx.captured_queries) < 60


# --- create and edit ----------------------------------------------------------------------


def test_create_a_normal_change_with_the_questionnaire(web, stack):
    start, end = window()

    page = web.post(
        "/changes/new/",
        {
            "type": "normal",
            "title": "Replace the core switch",
            "cis": stack["server"].number,
            "planned_start": local(start),
            "planned_end": local(end),
            "risk_outage": "full",
            "risk_backout": "impossible",
            **PLANS,
        },
    )

    change = Change.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/changes/{change.number}/"
    assert change.risk_answers == {"outage": "full", "backout": "impossible"}
    assert change.risk_level in ("high", "very_high")
    assert change.planned_start == start
    assert list(change.cis.values_list("number", flat=True)) == [stack["server"].number]


def test_create_with_bad_input_shows_errors_by_the_fields_and_saves_nothing(web):
    start, end = window()

    page = web.post(
        "/changes/new/",
        {
            "type": "normal",
            "title": "Backwards",
            "planned_start": local(end),
            "planned_end": local(start),
            "cis": "CI9999999",
        },
    )

    assert page.status_code == 422
    text = page.content.decode()
    assert re.search(r'id="id_cis".*?class="error">[^<]*CI9999999', text, re.S) or (
        "must be after planned_start" in text
    )
    assert not Change.objects.exists()


def test_create_a_standard_change_from_a_template(web, cm):
    template = services.template_create(
        cm, name="Rotate TLS certificate", implementation_plan="Run certbot."
    )
    form = web.get(f"/changes/new/?template={template.slug}")
    assert b"Run certbot." in form.content

    page = web.post(
        "/changes/new/",
        {"type": "standard", "template": template.slug, "title": "Rotate cert on web-1"},
    )

    change = Change.objects.get()
    assert page.status_code == 302
    assert (change.type, change.template_id, change.implementation_plan) == (
        "standard",
        template.pk,
        "Run certbot.",
    )
    assert change.approval_state == ApprovalState.NOT_REQUIRED


def test_standard_without_a_template_is_refused_on_the_field(web):
    page = web.post("/changes/new/", {"type": "standard", "title": "No template"})

    assert page.status_code == 422
    assert b"a standard change is made from a template" in page.content
    assert not Change.objects.exists()


def test_edit_saves_and_a_stale_version_says_so(web, new_change):
    change = new_change(title="Old title")
    edit = web.get(f"/changes/{change.number}/edit/")
    assert b"Old title" in edit.content

    saved = web.post(
        f"/changes/{change.number}/edit/",
        {"version": change.version, "title": "New title", **PLANS},
    )
    stale = web.post(
        f"/changes/{change.number}/edit/",
        {"version": change.version, "title": "Lost title", **PLANS},
    )

    assert saved.status_code == 302
    assert stale.status_code == 412
    assert b"changed since you read it" in stale.content
    assert b"Reload the change" in stale.content
    assert fresh(change).title == "New title"


# --- transitions --------------------------------------------------------------------------


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

    assert response.status_code == 409
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


def test_post_implementation_review_form(web, agent_actor, new_change, cm, cm_user):
    change = scheduled(
        agent_actor, cm, new_change(planned_start=window()[0], planned_end=window()[1])
    )
    move(agent_actor, change, Status.IMPLEMENTATION)
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
    assert done.status_code == 302
    assert fresh(change).review.notes == "Disk filled up mid-way."


def test_comment_and_work_note_show_in_the_timeline(web, new_change):
    change = new_change()

    web.post(
        f"/changes/{change.number}/comment/",
        {"body": "Vendor confirmed the slot", "internal": "on"},
    )

    page = web.get(f"/changes/{change.number}/").content.decode()
    assert "Vendor confirmed the slot" in page
    assert "work note" in page


# --- CAB agenda ---------------------------------------------------------------------------


@pytest.fixture
def cab_change(agent_actor, new_change, cab, stack):
    """A high-risk change waiting for the CAB (quorum 2 of cab0..cab2)."""
    start, end = window()
    change = new_change(
        title="Migrate the shop database",
        cis=[stack["server"].number],
        risk_answers=HIGH,
        planned_start=start,
        planned_end=end,
    )
    return in_authorisation(agent_actor, change)


def test_agenda_lists_changes_awaiting_authorisation_with_buttons_for_approvers(cab_change, cab):
    member = cab.members.get(username="cab1")

    page = client_for(member).get("/changes/agenda/")
    outsider = client_for(factories.agent(username="nobody")).get("/changes/agenda/")

    assert b"Migrate the shop database" in page.content
    assert b'value="approve"' in page.content
    assert b"Migrate the shop database" in outsider.content
    assert b'value="approve"' not in outsider.content


def test_approve_from_the_agenda_with_htmx(cab_change, cab):
    member = cab.members.get(username="cab1")
    approval = cab_change.approvals.get(label="Change Advisory Board")

    response = client_for(member).post(
        f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/",
        {"decision": "approve", "comment": "Fine by me"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Fine by me" in response.content
    assert approval.decisions.get().approver == member


def test_a_refused_decision_shows_the_services_reason(cab_change, cab):
    approval = cab_change.approvals.get(label="Change Advisory Board")
    outsider = factories.agent(username="outsider")

    response = client_for(outsider).post(
        f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/",
        {"decision": "approve"},
        HTTP_HX_REQUEST="true",
    )
    no_reason = client_for(cab.members.get(username="cab2")).post(
        f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/",
        {"decision": "reject"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert b"You are not an approver" in response.content
    assert no_reason.status_code == 422
    assert b"say why you reject" in no_reason.content
    assert not approval.decisions.exists()


def test_agenda_query_count_does_not_grow(agent_actor, new_change, cab, stack):
    member = client_for(cab.members.get(username="cab1"))

    def count(n: int) -> int:
        for _ in range(n):
            in_authorisation(
                agent_actor, new_change(cis=[stack["server"].number], risk_answers=HIGH)
            )
        with CaptureQueriesContext(connection) as ctx:
            member.get("/changes/agenda/")
        return len(ctx.captured_queries)

    assert count(1) == count(5)


# --- calendar -----------------------------------------------------------------------------


def test_calendar_month_shows_changes_on_their_days_and_freezes(web, new_change, cm):
    start, end = window(days=5)
    change = new_change(title="Night patching", planned_start=start, planned_end=end)
    services.freeze_create(cm, name="Board meeting", starts_at=start, ends_at=end)
    day = timezone.localtime(start).date()

    page = web.get(f"/changes/calendar/?date={day.isoformat()}")

    text = page.content.decode()
    assert page.status_code == 200
    cell = text[text.index(f'data-date="{day.isoformat()}"') :]
    cell = cell[: cell.index("</td>")]
    assert change.number in cell
    assert "Board meeting" in cell
    for view in ("week", "list"):
        assert (
            change.number
            in web.get(f"/changes/calendar/?view={view}&date={day.isoformat()}").content.decode()
        )


def test_calendar_flags_overlapping_changes_on_the_same_ci(web, agent_actor, new_change, cm, stack):
    start, end = window(days=4)
    first = scheduled(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )
    second = scheduled(
        agent_actor,
        cm,
        new_change(
            cis=[stack["server"].number],
            planned_start=start + dt.timedelta(hours=1),
            planned_end=end + dt.timedelta(hours=1),
        ),
        override_reason="agreed with the DBAs",
    )
    apart = scheduled(
        agent_actor,
        cm,
        new_change(
            cis=[stack["app"].number],
            planned_start=start + dt.timedelta(days=1),
            planned_end=end + dt.timedelta(days=1),
        ),
    )

    text = web.get(f"/changes/calendar/?view=list&date={start.date().isoformat()}").content
    rows = dict(re.findall(rb">(CHG\d+)</a>(.*?)</tr>", text, re.S))

    assert b"conflict" in rows[first.number.encode()]
    assert b"conflict" in rows[second.number.encode()]
    assert b"conflict" not in rows[apart.number.encode()]


def test_calendar_query_count_does_not_grow_with_the_changes(web, agent_user, stack):
    """Rows made in bulk (the shape the services leave), then the page: same queries."""
    start, _ = window(days=2)
    month = timezone.localtime(start).date()

    def count(n: int) -> int:
        made = Change.objects.bulk_create(
            [
                Change(
                    number=f"CHG9{Change.objects.count() + i:06d}",
                    title=f"Bulk {i}",
                    requester=agent_user,
                    status=Status.SCHEDULED,
                    planned_start=start + dt.timedelta(hours=i % 48),
                    planned_end=start + dt.timedelta(hours=i % 48 + 2),
                )
                for i in range(n)
            ]
        )
        ChangeCI.objects.bulk_create(
            [
                ChangeCI(
                    change=c,
                    ci=stack["server"],
                    planned_start=c.planned_start,
                    planned_end=c.planned_end,
                    holds_window=True,
                )
                for c in made
            ]
        )
        with CaptureQueriesContext(connection) as ctx:
            page = web.get(f"/changes/calendar/?date={month.isoformat()}")
        assert page.status_code == 200
        return len(ctx.captured_queries)

    assert count(3) == count(300)


def test_a_change_is_drawn_on_every_local_day_it_touches():
    tz = timezone.get_current_timezone()
    first = dt.date(2030, 3, 1)
    start = dt.datetime(2030, 3, 2, 22, 0, tzinfo=tz)

    assert list(_days_of(start, start + dt.timedelta(hours=4), first, dt.date(2030, 4, 1))) == [
        1,
        2,
    ]
    assert list(_days_of(start, start + dt.timedelta(hours=2), first, dt.date(2030, 4, 1))) == [1]
    # clipped to the page
    assert list(_days_of(start - dt.timedelta(days=9), start, first, dt.date(2030, 4, 1))) == [0, 1]


def test_feed_links_are_issued_and_work(web, agent_actor, new_change, cm):
    start, end = window()
    change = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))

    response = web.post("/changes/calendar/feed-links/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    url = re.search(rb"https?://[^<\s]+?/changes/feed/[^<\s]+?\.ics", response.content)[0]
    feed = web.get(url.decode().split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert feed.status_code == 200
    assert change.number.encode() in feed.content


# --- freeze windows -----------------------------------------------------------------------


def test_change_manager_creates_and_edits_a_freeze_window(cm_web):
    start, end = window(days=10)

    created = cm_web.post(
        "/changes/freezes/new/",
        {
            "name": "Black Friday",
            "starts_at": local(start),
            "ends_at": local(end),
            "is_active": "on",
        },
    )
    freeze = FreezeWindow.objects.get()
    listed = cm_web.get("/changes/freezes/")
    edited = cm_web.post(
        f"/changes/freezes/{freeze.slug}/",
        {
            "version": freeze.version,
            "name": "Black Friday weekend",
            "starts_at": local(start),
            "ends_at": local(end + dt.timedelta(days=1)),
            "is_active": "on",
        },
    )

    assert created.status_code == 302
    assert b"Black Friday" in listed.content
    assert b"New freeze window" in listed.content
    assert edited.status_code == 302
    freeze.refresh_from_db()
    assert freeze.name == "Black Friday weekend"
    assert freeze.ends_at == end + dt.timedelta(days=1)


def test_an_agent_may_read_but_not_create_freeze_windows(web):
    start, end = window(days=10)

    page = web.post(
        "/changes/freezes/new/",
        {"name": "Sneaky", "starts_at": local(start), "ends_at": local(end)},
    )

    assert page.status_code == 403
    assert b"Only change managers" in page.content
    assert not FreezeWindow.objects.exists()
    assert b"New freeze window" not in web.get("/changes/freezes/").content


def test_freeze_form_validates_the_window(cm_web):
    start, end = window(days=10)

    page = cm_web.post(
        "/changes/freezes/new/",
        {"name": "Backwards", "starts_at": local(end), "ends_at": local(start)},
    )

    assert page.status_code == 422
    assert b"must be after starts_at" in page.content
    assert not FreezeWindow.objects.exists()


def test_requesters_do_not_get_the_agent_pages(requester_user):
    client = client_for(requester_user)
    for url in ("/changes/agenda/", "/changes/calendar/", "/changes/freezes/", "/changes/new/"):
        assert client.get(url).status_code == 404, url


windows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(1, 10)), max_size=25
)


@given(windows)
def test_overlap_sweep_agrees_with_comparing_every_pair(rows):
    """(ci, start, length) per change id = its index: the calendar's conflict flags."""
    per_ci: dict[int, list[tuple]] = {}
    for change_id, (ci_id, start, length) in enumerate(rows):
        per_ci.setdefault(ci_id, []).append((start, start + length, change_id))
    expected = {
        a
        for items in per_ci.values()
        for (s1, e1, a) in items
        for (s2, e2, b) in items
        if a != b and s1 < e2 and s2 < e1
    }

    assert overlapping(per_ci.values()) == expected


def test_a_stale_move_says_so_and_offers_a_reload(web, new_change):
    change = new_change()
    move_to = web.post(
        f"/changes/{change.number}/move/", {"status": "assessment", "version": change.version}
    )

    stale = web.post(
        f"/changes/{change.number}/move/", {"status": "cancelled", "version": change.version}
    )

    assert move_to.status_code == 302
    assert stale.status_code == 412
    assert b"changed since you read it" in stale.content
    assert b">Reload</a>" in stale.content
    assert fresh(change).status == Status.ASSESSMENT


def test_the_cab_agenda_link_shows_only_while_approvals_are_pending(
    web, agent_actor, new_change, cab_change
):
    unneeded = in_authorisation(agent_actor, new_change(title="Rotate a log file"))
    assert unneeded.approval_state == "not_required"  # low risk: nothing to decide

    quiet = web.get(f"/changes/{unneeded.number}/").content
    waiting = web.get(f"/changes/{cab_change.number}/").content

    assert b"No approval needed." in quiet
    assert b"Decide on the CAB agenda" not in quiet
    assert b"Decide on the CAB agenda" in waiting
