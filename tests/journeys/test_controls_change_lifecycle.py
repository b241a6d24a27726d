"""A standard change along its whole lifecycle on its page (tests/journeys/controls.py): each
move's fields and buttons (scheduled on a new window, unscheduled, scheduled again over a
conflict with a reason, started days early once ticked, implemented, backed out, closed), the
post-implementation review recorded and revised, a comment and a work note; each read back as
the person sees it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    pick,
    sign_in,
)
from tests.journeys.test_controls_changes import facts, move, open_new_change

pytestmark = [pytest.mark.browser]

LOCAL = "%Y-%m-%dT%H:%M"


def a_scheduled_demo_change() -> tuple[str, str, str, str]:
    """A demo change scheduled on a CI (not the conflict journey's pair): its number, its
    CI's name and its window as the form's inputs read it (the server's zone)."""
    from steward.changes.models import Change

    found = (
        Change.objects.filter(status="scheduled", planned_start__gt=timezone.now())
        .exclude(title__startswith="Demo overlap")
        .filter(cis__isnull=False)
        .order_by("planned_start")
        .first()
    )
    start, end = (
        timezone.localtime(t).strftime(LOCAL) for t in (found.planned_start, found.planned_end)
    )
    return found.number, found.cis.order_by("number").first().name, start, end


def status(page):
    return page.locator("#change-status")


def open_move(page, label: str):
    """A move with fields: its disclosure opened, the form inside it."""
    work = page.get_by_role("region", name="Move it on")
    work.locator("summary", has_text=label).click()
    return work.locator("form", has=page.get_by_role("button", name=label))


def test_change_manager_takes_a_standard_change_from_schedule_to_close(page):
    other, ci, start, end = a_scheduled_demo_change()
    sign_in(page, "cm")
    open_new_change(page)
    # a standard change from the form's own drop-downs (the tiles are another way in)
    page.get_by_label("Type", exact=True).select_option(label="Standard (pre-approved template)")
    page.get_by_label("Standard change template").select_option(label="TLS certificate renewal")
    page.get_by_label("Title").fill(f"Renew the certificate on {ci}")
    pick(page, page.get_by_role("combobox", name="Affected CIs"), ci, re.compile(f"^{ci}"))
    page.get_by_label("Planned start").fill("2027-03-11T06:00")
    page.get_by_label("Planned end").fill("2027-03-11T07:00")
    page.get_by_role("button", name="Raise change").click()
    heading(page, re.compile(f"Renew the certificate on {re.escape(ci)}"))
    no_error_on_page(page)
    expect(facts(page, "Type")).to_have_text(
        "Standard (pre-approved template) · TLS certificate renewal"
    )
    expect(facts(page, "Approvals")).to_have_text("Not required")

    # scheduled on a window moved by a day, then unscheduled
    move(page, "Submit for assessment", "Assessment")
    form = open_move(page, "Schedule")
    form.get_by_label("Planned start").fill("2027-03-12T06:00")
    form.get_by_label("Planned end").fill("2027-03-12T07:30")
    form.get_by_role("button", name="Schedule").click()
    expect(status(page)).to_have_text("Scheduled")
    page.reload()
    expect(facts(page, "Planned")).to_have_text("12 Mar 2027 06:00 – 12 Mar 2027 07:30")
    move(page, "Unschedule", "Assessment")

    # scheduled again over another change on the same CI: refused in words, then a reason
    form = open_move(page, "Schedule")
    form.get_by_label("Planned start").fill(start)
    form.get_by_label("Planned end").fill(end)
    form.get_by_role("button", name="Schedule").click()
    work = page.get_by_role("region", name="Move it on")
    form = work.locator("form", has=page.get_by_role("button", name="Schedule"))
    refused = form.locator(".field.invalid", has=page.get_by_label("Override reason"))
    expect(refused).to_contain_text(f"The planned window collides with {other}")
    expect(refused).not_to_contain_text(re.compile("same_ci|override_reason"))
    expect(status(page)).to_have_text("Assessment")
    reason = "The certificate expires first; the other work can wait an hour."
    form.get_by_label("Override reason").fill(reason)
    form.get_by_role("button", name="Schedule").click()
    expect(status(page)).to_have_text("Scheduled")
    page.reload()
    expect(facts(page, "Scheduled despite conflicts")).to_have_text(reason)

    # started days before its window: the page says so, and refuses the start until ticked
    form = open_move(page, "Start implementation")
    expect(form).to_contain_text(re.compile(r"The planned window starts on .+; start now anyway\?"))
    form.get_by_role("button", name="Start implementation").click()
    early = page.get_by_label("Start before the planned window")
    refused = form.locator(".field.invalid", has=early)
    expect(refused).to_contain_text("the planned window starts on")
    expect(status(page)).to_have_text("Scheduled")
    early.check()
    # started, implemented, then backed out after all: each moment as typed
    form.get_by_label("Actual start").fill(start)
    form.get_by_role("button", name="Start implementation").click()
    expect(status(page)).to_have_text("Implementation")
    form = open_move(page, "Implemented")
    form.get_by_label("Outcome").select_option(label="Successful")
    form.get_by_label("Actual end").fill(end)
    form.get_by_role("button", name="Implemented").click()
    expect(status(page)).to_have_text("Review")
    no_error_on_page(page)

    review = page.locator("#review")
    review.get_by_label("Outcome").select_option(label="Partially met")
    review.get_by_label("What happened").fill("Installed; one load balancer kept the old one.")
    review.get_by_label("Lessons learned").fill("List every TLS endpoint first.")
    review.get_by_role("button", name="Record review").click()
    expect(review.locator("dd").first).to_have_text("Partially met")
    expect(review).to_contain_text("List every TLS endpoint first.")

    form = open_move(page, "Failed")
    # failed while the outcome still reads "Successful": refused in the outcome's own words
    # (it said "needs outcome failed or backed_out", the API's spelling: walk42)
    form.get_by_role("button", name="Failed").click()
    work = page.get_by_role("region", name="Move it on")
    expect(work.get_by_role("alert")).to_contain_text(
        "a failed change needs the outcome “Failed” or “Backed out”"
    )
    expect(work).not_to_contain_text("backed_out")
    expect(status(page)).to_have_text("Review")
    form = work.locator("form", has=page.get_by_role("button", name="Failed"))
    form.get_by_label("Outcome").select_option(label="Backed out")
    form.get_by_role("button", name="Failed").click()
    expect(status(page)).to_have_text("Failed")
    review.get_by_label("Outcome").select_option(label="Not met")
    review.get_by_role("button", name="Revise review").click()
    expect(review.locator("dd").first).to_have_text("Not met")
    form = open_move(page, "Close")
    expect(form.get_by_label("Outcome")).to_have_value("backed_out")  # as the failure said
    form.get_by_role("button", name="Close").click()
    expect(status(page)).to_have_text("Closed")
    page.reload()
    expect(facts(page, "Outcome")).to_have_text("Backed out")
    # both ends in the house style (it read "Mon 7 Dec 2026 12:00 – …", the end not a <time>)
    moment = r"\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d"
    expect(facts(page, "Actual")).to_have_text(re.compile(rf"^{moment} – {moment}$"))
    expect(facts(page, "Actual").locator("time")).to_have_count(2)
    dates_in_house_style(page)

    # an empty comment is refused on the change's own address (it was /comment/, where a
    # reload sent the refused form again); then a comment and a work note: both in the
    # activity, the note marked as one
    activity = page.get_by_role("region", name="Activity")
    here = page.url
    activity.get_by_role("button", name="Post").click()
    expect(activity.locator(".field.invalid", has=page.get_by_label("Comment"))).to_be_visible()
    expect(page).to_have_url(here)
    assert page.reload().request.method == "GET"
    activity.get_by_label("Comment").fill("Certificate ordered from the CA.")
    activity.get_by_role("button", name="Post").click()
    expect(activity.locator("li.reply").first).to_contain_text("Certificate ordered from the CA.")
    activity.get_by_label("Comment").fill("The old key stays in the vault until Friday.")
    activity.get_by_label("Internal work note").check()
    activity.get_by_role("button", name="Post").click()
    note = activity.locator("li", has_text="The old key stays in the vault")
    expect(note).to_contain_text("work note")
    no_error_on_page(page)
