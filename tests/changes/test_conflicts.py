"""Conflicts when scheduling: same CI, dependent CIs through CMDB relationships (both
directions, depth 3), freeze windows (global and per service), and the override."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.changes import selectors, services
from steward.changes.choices import Status
from steward.changes.models import Change, ChangeCI, FreezeWindow
from steward.changes.services import ScheduleConflict
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry
from tests import factories
from tests.changes.conftest import ci, fresh, in_authorisation, relate, scheduled, window


@pytest.fixture
def approver(cm):
    return cm


def attempt(agent_actor, cm, change, **extra):
    """Try to schedule; the change stays in authorization when refused."""
    return scheduled(agent_actor, cm, change, **extra)


def test_no_conflict_schedules_and_holds_the_window(agent_actor, cm, new_change, stack):
    start, end = window()
    change = attempt(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )

    assert change.status == Status.SCHEDULED
    link = ChangeCI.objects.get(change=change)
    assert (link.planned_start, link.planned_end, link.holds_window) == (start, end, True)


def test_overlap_on_the_same_ci_is_409_listing_it_and_nothing_changes(
    agent_actor, cm, new_change, stack
):
    start, end = window()
    first = attempt(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )
    second = new_change(
        cis=[stack["server"].number],
        planned_start=start + dt.timedelta(hours=1),
        planned_end=end + dt.timedelta(hours=1),
    )

    with pytest.raises(ScheduleConflict) as caught:
        attempt(agent_actor, cm, second)

    (hit,) = caught.value.report.changes
    assert (hit["number"], hit["relation"]) == (first.number, "same_ci")
    assert caught.value.extra()["conflicts"]["changes"][0]["number"] == first.number
    assert "override_reason" in caught.value.fields
    assert fresh(second).status == Status.AUTHORIZATION
    assert not ChangeCI.objects.get(change=second).holds_window


def test_back_to_back_windows_do_not_conflict(agent_actor, cm, new_change, stack):
    start, end = window()
    attempt(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )
    after = attempt(
        agent_actor,
        cm,
        new_change(
            cis=[stack["server"].number], planned_start=end, planned_end=end + dt.timedelta(hours=1)
        ),
    )

    assert after.status == Status.SCHEDULED


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [("app", "server"), ("server", "app"), ("service", "server"), ("server", "service")],
)
def test_overlap_on_dependent_cis_conflicts_both_directions(
    agent_actor, cm, new_change, stack, mine, theirs
):
    start, end = window()
    other = attempt(
        agent_actor,
        cm,
        new_change(cis=[stack[theirs].number], planned_start=start, planned_end=end),
    )

    report = selectors.conflicts_for(
        agent_actor, change=None, ci_numbers=[stack[mine].number], start=start, end=end
    )

    assert [(c["number"], c["relation"]) for c in report.changes] == [
        (other.number, "dependent_ci")
    ]


def test_cis_more_than_three_hops_apart_do_not_conflict(agent_actor, cm, new_change):
    chain = [ci() for _ in range(5)]
    for a, b in zip(chain, chain[1:], strict=False):
        relate(a, b)
    start, end = window()
    attempt(
        agent_actor, cm, new_change(cis=[chain[4].number], planned_start=start, planned_end=end)
    )

    near = selectors.conflicts_for(
        agent_actor, change=None, ci_numbers=[chain[1].number], start=start, end=end
    )
    far = selectors.conflicts_for(
        agent_actor, change=None, ci_numbers=[chain[0].number], start=start, end=end
    )

    assert len(near.changes) == 1
    assert far.changes == []


def test_cancelled_and_unscheduled_changes_hold_no_window(agent_actor, cm, new_change, stack):
    start, end = window()
    other = attempt(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )
    services.change_update(
        agent_actor, number=other.number, expected_version=None, changes={"status": "cancelled"}
    )

    report = selectors.conflicts_for(
        agent_actor, change=None, ci_numbers=[stack["server"].number], start=start, end=end
    )
    assert report.empty


def test_a_global_freeze_blocks_scheduling_without_override(agent_actor, cm, new_change, stack):
    start, end = window()
    FreezeWindow.objects.create(
        slug="xmas",
        name="Christmas",
        starts_at=start - dt.timedelta(days=1),
        ends_at=end + dt.timedelta(days=1),
    )
    change = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)

    with pytest.raises(ScheduleConflict) as caught:
        attempt(agent_actor, cm, change)

    assert [f["slug"] for f in caught.value.report.freezes] == ["xmas"]
    assert fresh(change).status == Status.AUTHORIZATION


def test_a_service_freeze_blocks_changes_below_the_service(agent_actor, cm, new_change, stack):
    start, end = window()
    FreezeWindow.objects.create(
        slug="shop", name="Shop sale", ci=stack["service"], starts_at=start, ends_at=end
    )
    unrelated = ci()

    below = selectors.conflicts_for(
        agent_actor, change=None, ci_numbers=[stack["server"].number], start=start, end=end
    )
    elsewhere = selectors.conflicts_for(
        agent_actor, change=None, ci_numbers=[unrelated.number], start=start, end=end
    )

    assert [f["slug"] for f in below.freezes] == ["shop"]
    assert elsewhere.empty


def test_override_reason_schedules_anyway_and_is_audited(agent_actor, cm, new_change, stack):
    start, end = window()
    FreezeWindow.objects.create(slug="xmas", name="Christmas", starts_at=start, ends_at=end)
    change = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)

    done = attempt(agent_actor, cm, change, override_reason="Security fix, CISO approved")

    assert done.status == Status.SCHEDULED
    assert done.schedule_override_reason == "Security fix, CISO approved"
    entry = AuditEntry.objects.filter(object_id=str(change.pk), action="update").last()
    assert entry.changes["overridden_conflicts"][1]["freezes"][0]["slug"] == "xmas"


def test_moving_a_scheduled_window_into_a_conflict_is_refused(agent_actor, cm, new_change, stack):
    start, end = window()
    attempt(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )
    later = attempt(
        agent_actor,
        cm,
        new_change(
            cis=[stack["server"].number], planned_start=end, planned_end=end + dt.timedelta(hours=2)
        ),
    )

    with pytest.raises(ScheduleConflict):
        services.change_update(
            agent_actor,
            number=later.number,
            expected_version=None,
            changes={"planned_start": start},
        )

    assert fresh(later).planned_start == end


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"planned_start": "later", "planned_end": "earlier"}, "planned_end"),
        ({"planned_start": "past", "planned_end": "soon"}, "planned_start"),
        ({"planned_start": "later", "planned_end": "months"}, "planned_end"),
    ],
    ids=["end-before-start", "window-in-the-past", "window-longer-than-a-month"],
)
def test_bad_windows_are_422_and_nothing_is_written(agent_actor, new_change, fields, field):
    now = timezone.now()
    times = {
        "later": now + dt.timedelta(days=2),
        "earlier": now + dt.timedelta(days=1),
        "past": now - dt.timedelta(days=1),
        "soon": now + dt.timedelta(hours=1),
        "months": now + dt.timedelta(days=60),
    }
    change = new_change()
    before = Change.objects.filter(pk=change.pk).values().get()

    with pytest.raises(ValidationFailed) as caught:
        services.change_update(
            agent_actor,
            number=change.number,
            expected_version=None,
            changes={k: times[v] for k, v in fields.items()},
        )

    assert field in caught.value.fields
    assert Change.objects.filter(pk=change.pk).values().get() == before


def test_freeze_windows_are_kept_by_change_managers(agent_actor, cm):
    start, end = window()
    with pytest.raises(PermissionDenied):
        services.freeze_create(agent_actor, name="Mine", starts_at=start, ends_at=end)

    made = services.freeze_create(cm, name="Quarter close", starts_at=start, ends_at=end)
    assert made.slug == "quarter-close"
    with pytest.raises(ValidationFailed):
        services.freeze_create(cm, name="Backwards", starts_at=end, ends_at=start)


def test_calendar_returns_overlapping_changes_in_order(agent_actor, cm, new_change, stack):
    start, end = window(days=5)
    inside = new_change(planned_start=start, planned_end=end)
    spanning = new_change(
        planned_start=start - dt.timedelta(hours=1), planned_end=start + dt.timedelta(minutes=5)
    )
    new_change(planned_start=end + dt.timedelta(days=3), planned_end=end + dt.timedelta(days=4))
    new_change()  # unplanned

    found = selectors.change_calendar(agent_actor, start=start, end=end)

    assert [c.number for c in found] == [spanning.number, inside.number]
    with pytest.raises(ValidationFailed):
        selectors.change_calendar(agent_actor, start=end, end=start)


def test_cab_agenda_lists_changes_waiting_for_authorisation(agent_actor, cm, new_change):
    from tests.changes.conftest import move

    waiting = new_change()
    move(agent_actor, waiting, "assessment")
    move(agent_actor, waiting, "authorization")
    new_change()

    agenda = selectors.cab_agenda(cm)

    assert [c.number for c in agenda] == [waiting.number]
    assert len(agenda[0].approvals.all()) == 1


def test_calendar_rows_equal_what_the_orm_reads(agent_actor, cm, new_change, stack):
    """``change_calendar`` reads narrow rows with the driver (SQLite: the stored text, parsed
    once per distinct value): the same changes, order and values as the ORM's objects, with
    aware datetimes (microseconds kept), the team's name or "", cancelled changes left out
    and windows touching the range from before it included."""
    team = factories.TeamFactory(name="Network")
    start, end = window(days=5)
    made = [
        new_change(
            planned_start=start + dt.timedelta(minutes=minutes, microseconds=minutes * 7),
            planned_end=start + dt.timedelta(minutes=minutes + 20),
        )
        for minutes in (0, 30, 30, 60)
    ]
    early = new_change(
        planned_start=start - dt.timedelta(days=2), planned_end=start + dt.timedelta(seconds=1)
    )
    Change.objects.filter(pk=made[0].pk).update(team=team, risk_level="high", risk_score=9)
    Change.objects.filter(pk=made[1].pk).update(status="cancelled")

    found = selectors.change_calendar(agent_actor, start=start, end=end)
    orm = [
        (c.id, c.number, c.title, c.status, c.risk_level, c.risk_score)
        + (c.planned_start, c.planned_end, c.team.name if c.team else "")
        for c in Change.objects.exclude(status="cancelled")
        .filter(planned_start__lt=end, planned_end__gt=start)
        .select_related("team")
        .order_by("planned_start", "id")
    ]

    assert [tuple(r) for r in found] == orm
    assert [r.number for r in found][:2] == [early.number, made[0].number]
    assert made[1].number not in {r.number for r in found}
    assert found[1].team == "Network"
    assert all(r.planned_start.tzinfo is not None for r in found)
    assert found[2].planned_start.microsecond == 210


def test_postgresql_calendar_reads_its_datetimes_as_epoch_microseconds(agent_actor, new_change):
    """PostgreSQL's ``timestamptz`` loader (a Python call per value) was most of the
    calendar's time: the window is read as whole microseconds since the epoch, an integer,
    and each distinct value made into one aware datetime, equal to what the ORM reads to
    the microsecond (decision 0029)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's datetime reading")
    start, end = window(days=5)
    made = new_change(
        planned_start=start + dt.timedelta(microseconds=999_999),
        planned_end=start + dt.timedelta(hours=1, microseconds=1),
    )
    twin = new_change(planned_start=made.planned_start, planned_end=made.planned_end)

    with CaptureQueriesContext(connection) as ctx:
        found = selectors.change_calendar(agent_actor, start=start, end=end)

    (sql,) = [q["sql"] for q in ctx.captured_queries if "changes_change" in q["sql"]]
    assert sql.count("EXTRACT(EPOCH FROM") == 2, sql
    stored = Change.objects.get(pk=made.pk)
    assert [(r.number, r.planned_start, r.planned_end) for r in found] == [
        (made.number, stored.planned_start, stored.planned_end),
        (twin.number, stored.planned_start, stored.planned_end),
    ]
    assert found[0].planned_start.utcoffset() == dt.timedelta(0)
    assert found[0].planned_start is found[1].planned_start  # one datetime per value


def test_calendar_reads_one_statement_whatever_the_month_holds(agent_actor, new_change):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start, end = window(days=5)

    def statements() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.change_calendar(agent_actor, start=start, end=end)
        return len(ctx.captured_queries)

    statements()  # the actor's organisations, read once per actor
    few = statements()
    for hours in range(12):
        new_change(
            planned_start=start + dt.timedelta(hours=hours),
            planned_end=start + dt.timedelta(hours=hours + 1),
        )
    assert statements() == few == 1


def test_sqlite_reads_the_month_from_the_covering_index_alone(agent_actor, new_change):
    """Every column the calendar reads is in ``chg_calendar``: no table lookup per change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner chooses by its statistics")
    start, end = window(days=5)
    new_change(planned_start=start, planned_end=end)
    selectors.change_calendar(agent_actor, start=start, end=end)  # the actor's organisations
    with CaptureQueriesContext(connection) as ctx:
        selectors.change_calendar(agent_actor, start=start, end=end)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + ctx.captured_queries[0]["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "USING COVERING INDEX chg_calendar" in plan, plan


def test_changes_planned_but_not_yet_scheduled_are_conflicts_with_their_state(
    agent_actor, cm, new_change, stack
):
    """CHG0000064 overlapped CHG0000033 (awaiting authorisation) on vm-0005 and read "No
    conflicts", on its page and the CAB agenda (walk38): only held windows counted. A change
    awaiting authorisation or authorised is planned into its window: it is listed, with its
    state, so the CAB sees it is not yet scheduled."""
    start, end = window()
    waiting = in_authorisation(
        agent_actor, new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    )
    authorised = in_authorisation(
        agent_actor,
        new_change(
            cis=[stack["app"].number],
            planned_start=start + dt.timedelta(minutes=30),
            planned_end=end,
        ),
    )
    (approval,) = authorised.approvals.all()
    services.approval_decide(
        cm, number=authorised.number, approval_id=approval.pk, decision="approve"
    )
    rejected = in_authorisation(
        agent_actor, new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    )
    (approval,) = rejected.approvals.all()
    services.approval_decide(
        cm, number=rejected.number, approval_id=approval.pk, decision="reject", comment="No."
    )
    new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)  # a draft
    mine = in_authorisation(
        agent_actor,
        new_change(
            cis=[stack["server"].number],
            planned_start=start + dt.timedelta(minutes=30),
            planned_end=end + dt.timedelta(hours=1),
        ),
    )

    report = selectors.change_conflicts(agent_actor, mine)

    found = {c["number"]: (c["status"], c["approval_state"], c["relation"]) for c in report.changes}
    assert found == {
        waiting.number: (Status.AUTHORIZATION, "pending", "same_ci"),
        authorised.number: (Status.AUTHORIZATION, "approved", "dependent_ci"),
    }


def test_a_planned_change_is_shown_but_only_a_held_window_refuses_scheduling(
    agent_actor, cm, new_change, stack
):
    """Not yet scheduled, it holds no window: it is listed (the change page, the API, the
    CAB agenda), but scheduling the other change is not refused for it (decision 0115)."""
    start, end = window()
    waiting = in_authorisation(
        agent_actor, new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    )
    other = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    assert [c["number"] for c in selectors.change_conflicts(agent_actor, other).changes] == [
        waiting.number
    ]

    assert attempt(agent_actor, cm, other).status == Status.SCHEDULED  # no override needed
