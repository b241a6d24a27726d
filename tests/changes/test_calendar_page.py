"""The change calendar page: changes on their local days, freezes, same-CI conflict flags
(the sweep checked against every pair), feed links and its query count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.changes import selectors, services
from steward.changes.choices import Status
from steward.changes.models import Change, ChangeCI
from steward.changes.selectors import flagged, overlapping
from steward.changes.views.calendar import _days_of
from steward.core.services import team_create
from tests.changes.conftest import (
    client_for,
    in_authorisation,
    scheduled,
    window,
)
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("view", ["month", "week", "list"])
def test_calendar_query_count_does_not_grow_with_the_changes(web, agent_user, stack, view):
    """Rows made in bulk (the shape the services leave), then the page: same queries in
    every view (the list view draws each change's risk score: loaded with the rest)."""
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
        # warm: the first read fills the per-process session and user caches
        web.get(f"/changes/calendar/?view={view}&date={month.isoformat()}")
        with CaptureQueriesContext(connection) as ctx:
            page = web.get(f"/changes/calendar/?view={view}&date={month.isoformat()}")
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


windows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(1, 10)), max_size=25
)


# a pure function: on a loaded machine, generating its inputs is what is slow
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


def test_feed_links_are_issued_and_work(web, agent_actor, new_change, cm):
    start, end = window()
    change = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))

    response = web.post("/changes/calendar/feed-links/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    url = re.search(rb"https?://[^<\s]+?/changes/feed/[^<\s]+?\.ics", response.content)[0]
    feed = web.get(url.decode().split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert feed.status_code == 200
    assert change.number.encode() in feed.content


def test_a_full_day_draws_six_changes_and_counts_the_others(web, agent_user):
    """A month cell draws at most ``DAY_LIMIT`` changes, by planned start, and links the
    others ("+ n more") to that day's list (the day view), which lists them all."""
    from steward.changes.views.calendar import DAY_LIMIT

    start, _ = window(days=3, at_hour=1)
    made = Change.objects.bulk_create(
        Change(
            number=f"CHG8{i:06d}",
            title=f"Busy {i}",
            requester=agent_user,
            status=Status.SCHEDULED,
            planned_start=start + dt.timedelta(minutes=i),
            planned_end=start + dt.timedelta(minutes=i + 30),
        )
        for i in range(DAY_LIMIT + 4)
    )
    day = timezone.localtime(start).date().isoformat()

    text = web.get(f"/changes/calendar/?date={day}").content.decode()
    cell = text[text.index(f'data-date="{day}"') :]
    cell = cell[: cell.index("</td>")]

    assert [c.number for c in made[:DAY_LIMIT]] == re.findall(r"\d\d:\d\d (CHG8\d{6})", cell)
    assert made[DAY_LIMIT].number not in cell
    assert "+ 4 more" in cell
    assert f"view=day&amp;date={day}" in cell
    # the day view lists every change of that day, and only that day's
    listed = web.get(f"/changes/calendar/?view=day&date={day}").content.decode()
    assert re.findall(r">(CHG8\d{6})</a>", listed) == [c.number for c in made]
    week = web.get(f"/changes/calendar/?view=week&date={day}").content.decode()
    assert all(c.number in week for c in made)


@pytest.mark.parametrize(
    ("language", "day_words", "month_words"),
    [
        ("en", "No changes planned on 7 Dec 2026.", "No changes planned in December 2026."),
        (
            "de",
            "Keine Änderungen am 7. Dez. 2026 geplant.",
            "Keine Änderungen im Dezember 2026 geplant.",
        ),
    ],
)
def test_an_empty_day_says_on_that_day_and_the_list_in_its_month(
    agent_user, language, day_words, month_words
):
    """The empty day view said "No changes planned in 7 December 2026" (polish42): a day
    is "on" it (German "am"); the list, a month's, keeps "in"."""
    agent_user.language = language
    agent_user.save(update_fields=["language"])
    web = client_for(agent_user)

    def empty_row(view: str) -> str:
        page = web.get("/changes/calendar/", {"view": view, "date": "2026-12-07"})
        assert page.status_code == 200
        [cell] = elements(page.content, "td", colspan="5")
        return text_of(cell)

    assert empty_row("day") == day_words
    assert empty_row("list") == month_words


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_page_writes_times_in_the_house_style(language):
    """As every page: ``format_datetime`` in the reader's zone (it read "Mon 7 Dec 09:30",
    in German "Mo 7 Dez 09:30")."""
    from django.utils import translation

    from steward.changes.views.calendar import Entries
    from steward.core.selectors.timeline import format_datetime

    with translation.override(language):
        entries = Entries(set())
        for days in range(0, 400, 9):
            value = dt.datetime(2030, 1, 1, 23, 7, tzinfo=dt.UTC)
            value += dt.timedelta(days=days, hours=days)
            zone = timezone.get_current_timezone()
            assert entries.text(value) == format_datetime(value, zone), value


def test_the_month_page_reads_in_a_fixed_number_of_statements(web, agent_user, admin_actor, stack):
    """The month page (warm: the session and user cached): the cache stamps, the per-day
    read (``calendar_days``), freezes, the shown changes' same-CI windows; the filter's
    teams are kept under the teams stamp (``team_choices``: ``team_list`` read them and
    every member of every team, two statements more with a team); 200 changes over two
    days, more than the cells draw."""
    for slug in ("night", "day"):
        team_create(admin_actor, name=slug.title(), slug=slug, members=[agent_user.username])
    start, _ = window(days=2)
    month = timezone.localtime(start).date()
    made = Change.objects.bulk_create(
        Change(
            number=f"CHG6{i:06d}",
            title=f"Packed {i}",
            requester=agent_user,
            status=Status.SCHEDULED,
            planned_start=start + dt.timedelta(minutes=10 * i),
            planned_end=start + dt.timedelta(minutes=10 * i + 90),
        )
        for i in range(200)
    )
    ChangeCI.objects.bulk_create(
        ChangeCI(
            change=c,
            ci=stack["server"],
            planned_start=c.planned_start,
            planned_end=c.planned_end,
            holds_window=True,
        )
        for c in made
    )
    url = f"/changes/calendar/?date={month.isoformat()}"
    web.get(url)  # warm: the per-process session and user caches
    with CaptureQueriesContext(connection) as ctx:
        page = web.get(url)
    assert page.status_code == 200
    assert len(ctx.captured_queries) == 4, [q["sql"][:80] for q in ctx.captured_queries]
    # the per-day read: index ranges only (decision 0046), a part per day on SQLite, a
    # LATERAL part over the days' bounds on PostgreSQL (decision 0050; the CTE before)
    read = ctx.captured_queries[1]["sql"].lstrip()
    if connection.vendor == "postgresql":
        assert read.startswith("SELECT 0, d.i, x.* FROM (VALUES (0, "), read[:200]
        assert read.count("CROSS JOIN LATERAL") == 2, read  # the first changes, the crossing
        assert "WITH" not in read, read
    else:
        assert read.startswith("SELECT 0, 0, d.* FROM ("), read[:200]
    assert "+ " in page.content.decode()  # the cells are full: "+ n more"
    assert '<option value="night" >Night</option>' in page.content.decode()  # the teams


def test_the_status_legend_lists_every_state_the_calendar_draws(web, new_change):
    """The defect: Draft and Assessment were drawn but left out of the legend (a kept list)."""
    from pathlib import Path

    import steward

    start, end = window(days=3)
    draft = new_change(title="Draft on the calendar", planned_start=start, planned_end=end)
    day = timezone.localtime(start).date()

    text = web.get(f"/changes/calendar/?date={day.isoformat()}").content.decode()
    legend = text[text.index('<p class="legend">') :]
    legend = legend[: legend.index("</p>")]

    assert draft.status == Status.DRAFT
    assert draft.number in text
    shown = re.findall(r'swatch dot status-(\w+)"></i>([^<]+)<', legend)
    drawn = [s for s in Status if s != Status.CANCELLED]  # calendar_query leaves out cancelled
    assert shown == [(s.value, s.label) for s in drawn]
    # each dot styled as the calendar's entries are: a .status-<value> colour rule
    css = (Path(steward.__file__).parent / "web/static/web/steward.css").read_text()
    assert all(re.search(rf"\.status-{value}\b", css) for value, _ in shown)


def test_calendar_flags_what_the_change_page_calls_a_conflict(
    web, agent_actor, cm, new_change, stack
):
    """Two changes awaiting authorisation on the same CI in overlapping windows read a
    conflict on their pages (decision 0115) but none on the calendar, which read only held
    windows. One rule now (``conflicting``, decision 0119): a change is flagged when its
    page lists another change on the same CI, whatever its own state; a rejected change is
    going nowhere and flags nothing."""
    start, end = window(days=6)
    server = stack["server"].number
    waiting = in_authorisation(
        agent_actor, new_change(cis=[server], planned_start=start, planned_end=end)
    )
    also = in_authorisation(
        agent_actor,
        new_change(cis=[server], planned_start=start + dt.timedelta(hours=1), planned_end=end),
    )
    rejected = in_authorisation(
        agent_actor,
        new_change(
            cis=[stack["app"].number],
            planned_start=start + dt.timedelta(days=1),
            planned_end=end + dt.timedelta(days=1),
        ),
    )
    (approval,) = rejected.approvals.all()
    services.approval_decide(
        cm, number=rejected.number, approval_id=approval.pk, decision="reject", comment="No."
    )
    draft = new_change(
        cis=[stack["app"].number],
        planned_start=start + dt.timedelta(days=1, hours=1),
        planned_end=end + dt.timedelta(days=1),
    )
    changes = [waiting, also, rejected, draft]
    on_their_pages = {
        c.number
        for c in changes
        if any(x["relation"] == "same_ci" for x in selectors.change_conflicts(cm, c).changes)
    }

    text = web.get(f"/changes/calendar/?view=list&date={start.date().isoformat()}").content
    rows = dict(re.findall(rb">(CHG\d+)</a>(.*?)</tr>", text, re.S))
    on_the_calendar = {c.number for c in changes if b"conflict" in rows[c.number.encode()]}

    assert on_their_pages == {waiting.number, also.number}
    assert on_the_calendar == on_their_pages
    month = web.get(f"/changes/calendar/?date={start.date().isoformat()}").content.decode()
    for change in changes:
        chip = re.search(
            rf'<a class="cal-change[^"]*"[^>]*>(?:(?!</a>).)*{change.number}', month, re.S
        )
        assert (" conflict" in chip[0].split(">", 1)[0]) == (change.number in on_their_pages)


def test_a_draft_beside_a_scheduled_change_is_flagged_as_its_page_says(
    web, agent_actor, cm, new_change, stack
):
    """The draft's page lists the scheduled change; the scheduled change's page does not
    list the draft (it is not planned into the window yet): the calendar flags the same."""
    start, end = window(days=7)
    held = scheduled(
        agent_actor,
        cm,
        new_change(cis=[stack["server"].number], planned_start=start, planned_end=end),
    )
    draft = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)

    found = selectors.calendar_conflicts(selectors.change_calendar(cm, start=start, end=end))

    assert [c["number"] for c in selectors.change_conflicts(cm, draft).changes] == [held.number]
    assert selectors.change_conflicts(cm, held).changes == []
    assert draft.pk in found
    assert held.pk not in found


def test_the_calendar_flags_a_conflict_beyond_the_page_as_the_change_page_does(
    agent_actor, cm, new_change, stack
):
    """A change drawn at the page's end meets another after it: flagged, as on its page."""
    start, end = window(days=8)
    drawn = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    scheduled(
        agent_actor,
        cm,
        new_change(
            cis=[stack["server"].number],
            planned_start=end - dt.timedelta(minutes=30),
            planned_end=end + dt.timedelta(hours=2),
        ),
    )
    page_end = start + dt.timedelta(minutes=10)
    rows = selectors.change_calendar(cm, start=start, end=page_end)

    assert [r.id for r in rows] == [drawn.pk]
    assert selectors.calendar_conflicts(rows) == {drawn.pk}


blocking = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(1, 10), st.booleans()),
    max_size=25,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocking)
def test_flag_sweep_agrees_with_comparing_every_pair(rows):
    """(ci, start, length, blocks) per change id = its index: an id is flagged when its
    window overlaps a blocking (conflicting) window of another id on the same CI."""
    per_ci: dict[int, list[tuple]] = {}
    for change_id, (ci_id, start, length, blocks) in enumerate(rows):
        per_ci.setdefault(ci_id, []).append((start, start + length, change_id, blocks))
    expected = {
        a
        for items in per_ci.values()
        for (s1, e1, a, _) in items
        for (s2, e2, b, blocks) in items
        if a != b and blocks and s1 < e2 and s2 < e1
    }

    assert flagged(per_ci.values()) == expected
