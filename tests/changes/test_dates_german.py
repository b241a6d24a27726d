"""The change pages' dates in German read the house style in the reader's zone, as every
other page does (``format_datetime``: "7. Dez. 2026 20:00"): the change list, a change's
page (planned and actual windows, raised, the review, the approvals' decisions, its
conflicts), the calendar's four views, the CAB agenda, freeze windows and delegations.
They read "Mo 7 Dez 2026 20:00" (the date filter's "D j M Y H:i" in German), the calendar's
list "Mo 7 Dez 20:00" and its week heading "Woche ab 7 Dez 2026"."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone, translation

from steward.changes import services
from steward.changes.choices import Outcome, Status
from steward.core.selectors.timeline import format_date, format_datetime
from tests.changes.conftest import (
    HIGH,
    client_for,
    fresh,
    in_authorisation,
    move,
    scheduled,
    window,
)
from tests.conftest import as_actor
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/New_York")  # the reader's, not the site's
GERMAN_MONTHS = r"Jan\.|Feb\.|März|April|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\."
GERMAN_MOMENT = re.compile(rf"^\d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}} \d\d:\d\d$")
GERMAN_DAY = re.compile(rf"^\d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}}$")
# what the pages wrote before: the date filter's "D j M" in German ("Mo 7 Dez"), English
# month names, German long month names ("7. Dezember 2026", Django's German date format;
# März to Juli are the house style's too) and ISO moments
FOREIGN = re.compile(
    r"\b(Mo|Di|Mi|Do|Fr|Sa|So) \d{1,2} [A-ZÄ][a-zä]{2}\b"
    r"|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    r"|\b\d{1,2}\. (Januar|Februar|August|September|Oktober|November|Dezember)\b"
    r"|\d{4}-\d\d-\d\dT\d\d:"
)


@pytest.fixture
def german(cab):
    """A CAB member who reads German in New York."""
    member = cab.members.get(username="cab1")
    member.language = "de"
    member.time_zone = "America/New_York"
    member.save(update_fields=["language", "time_zone"])
    return member


@pytest.fixture
def world(agent_actor, cm, cab, stack, new_change):
    """A change waiting for the CAB with one decision; one implemented and reviewed over
    a window on the same CI (a conflict); a freeze window; a delegation."""
    start, end = window(days=4, at_hour=2)  # early in UTC: the day before in New York
    waiting = in_authorisation(
        agent_actor,
        new_change(
            title="Migrate the shop database",
            cis=[stack["server"].number],
            risk_answers=HIGH,
            planned_start=start,
            planned_end=end,
        ),
    )
    approval = waiting.approvals.get(label="Change Advisory Board")
    services.approval_decide(
        as_actor(cab.members.get(username="cab0")),
        number=waiting.number,
        approval_id=approval.pk,
        decision="approve",
    )
    done = scheduled(
        agent_actor,
        cm,
        new_change(title="Patch the shop server", planned_start=start, planned_end=end),
    )
    move(agent_actor, done, Status.IMPLEMENTATION, start_early=True)
    move(agent_actor, done, Status.REVIEW, outcome=Outcome.SUCCESS)
    services.change_review(agent_actor, number=done.number, outcome="objectives_met", notes="Ok.")
    services.freeze_create(cm, name="Year end", starts_at=start, ends_at=end)
    today = timezone.localdate()
    services.delegation_create(
        cm, delegate="cab2", starts_on=today, ends_on=today + dt.timedelta(days=3)
    )
    return {"waiting": fresh(waiting), "done": fresh(done), "start": start}


def _main(html: bytes) -> str:
    text = html.decode()
    return text[text.index("<main") : text.index("</main>")]


def _times(html: str) -> list[tuple[str, str]]:
    return [(e.attrs.get("datetime", ""), text_of(e)) for e in elements(html, "time")]


def _read_german(page) -> list[str]:  # noqa: ANN001
    """Every date of the page: each in the house style, a moment in the reader's zone."""
    assert page.status_code == 200
    main = _main(page.content)
    shown = _times(main)
    assert shown, "no date on the page"
    for stamp, text in shown:
        if GERMAN_DAY.match(text):
            with translation.override("de"):
                assert text == format_date(dt.date.fromisoformat(stamp[:10])), (stamp, text)
            continue
        assert GERMAN_MOMENT.match(text), text
        moment = dt.datetime.fromisoformat(stamp)
        assert moment.utcoffset() == moment.astimezone(ZONE).utcoffset(), stamp  # her zone
        with translation.override("de"):
            assert text == format_datetime(moment, ZONE), (stamp, text)
    plain = re.sub(r"<[^>]+>", " ", re.sub(r'datetime="[^"]*"', "", main))
    assert not FOREIGN.search(plain), FOREIGN.search(plain)
    return [text for _, text in shown]


def test_the_change_pages_read_german_dates_in_the_readers_zone(german, world):
    web = client_for(german)
    waiting, done = world["waiting"], world["done"]
    start = world["start"]
    day = start.astimezone(ZONE).date().isoformat()
    pages = {
        "list": web.get("/changes/", {"queue": "all"}),
        "waiting": web.get(f"/changes/{waiting.number}/"),
        "done": web.get(f"/changes/{done.number}/"),
        "agenda": web.get("/changes/agenda/"),
        "freezes": web.get("/changes/freezes/"),
        **{
            f"calendar-{view}": web.get("/changes/calendar/", {"view": view, "date": day})
            for view in ("list", "week", "day")
        },
    }
    with translation.override("de"):
        planned = format_datetime(start, ZONE)
    for name, page in pages.items():
        shown = _read_german(page)
        if name != "calendar-week":  # its chips show the time alone, its days the day
            assert planned in shown, (name, shown)
    # each part of the change pages named above showed its dates so
    done_page = _main(pages["done"].content)
    assert re.search(r"Tatsächlich</dt><dd><time", done_page), "the actual window"
    conflicts = web.get(f"/changes/{waiting.number}/conflicts/")
    assert planned in [text for _, text in _times(conflicts.content.decode())]
    # the calendar's week heading and the month view's day numbers
    week = pages["calendar-week"].content.decode()
    assert re.search(rf"Woche ab \d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}}", week)
    month = web.get("/changes/calendar/", {"date": day})
    assert month.status_code == 200
    assert not FOREIGN.search(re.sub(r"<[^>]+>", " ", _main(month.content)))


def test_the_delegations_read_german_days(world, admin_user):
    admin_user.language = "de"  # administrators manage delegations
    admin_user.time_zone = "America/New_York"
    admin_user.save(update_fields=["language", "time_zone"])
    shown = _read_german(client_for(admin_user).get("/changes/delegations/"))
    assert all(GERMAN_DAY.match(text) for text in shown), shown
