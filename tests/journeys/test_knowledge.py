"""Self-help and knowledge: the requester (alice) finds the answer in the help centre and
raises nothing; the agent (Sam Desk) sees an article suggested as he types a title, resolves
the incident and turns its resolution into a draft article."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from steward.knowledge.models import Journey
from tests.journeys.steps import heading, no_error_on_page, open_module, shot, sign_in, swapped

pytestmark = [pytest.mark.browser]


def test_requester_finds_the_answer_in_the_help_centre_and_raises_nothing(page):
    sign_in(page, "alice")
    open_module(page, "Help centre")
    heading(page, "Help centre")
    page.get_by_label("How can we help?").fill("vpn certificate")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name=re.compile("Articles for"))
    answer = results.get_by_role("link", name="VPN says 'certificate expired'")
    expect(answer).to_be_visible()
    shot(page, "requester", "help-centre")
    answer.click()
    heading(page, "VPN says 'certificate expired'")
    expect(page.locator(".kb-body ol li")).to_have_count(3)
    feedback = page.get_by_role("region", name="Was this helpful?")
    feedback.get_by_role("button", name="Yes, this helped").click()
    expect(page.get_by_role("region", name="Was this helpful?")).to_contain_text(
        "you marked this helpful"
    )
    no_error_on_page(page)
    # she raised nothing: her journey has the article and no record (a deflection once
    # its window has passed)
    journey = Journey.objects.filter(user__username="alice", query="vpn certificate").get()
    assert journey.article.title == "VPN says 'certificate expired'"
    assert journey.raised == ""


def test_requester_types_a_sentence_and_a_joined_word_into_the_help_centre(page):
    """She writes as she speaks: "printer not working" finds the printer articles (the
    stop-words do not veto them), "wifi" finds the articles that say "Wi-Fi"."""
    sign_in(page, "alice")
    open_module(page, "Help centre")
    heading(page, "Help centre")
    for q, title in (
        ("printer not working", "Printer shows 'offline'"),
        ("wifi", "Connect to the office Wi-Fi"),
    ):
        page.get_by_label("How can we help?").fill(q)
        page.get_by_role("button", name="Search").click()
        results = page.get_by_role("region", name=re.compile("Articles for"))
        expect(results.get_by_role("link", name=title)).to_be_visible()
        expect(results).not_to_contain_text("No articles match")
        no_error_on_page(page)


def test_requester_whom_an_article_did_not_help_reports_it_and_finds_her_way_back(page):
    """The defects: "Report a problem" after "No" opened an empty form, and "← Help centre"
    dropped the search she came from."""
    sign_in(page, "alice")
    open_module(page, "Help centre")
    page.get_by_label("How can we help?").fill("add a printer")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name=re.compile("Articles for"))
    results.get_by_role("link", name="Add a printer").click()
    heading(page, "Add a printer")
    number = re.search(r"KB\d{7}", page.locator(".kb-article .muted").first.inner_text())[0]
    feedback = page.get_by_role("region", name="Was this helpful?")
    feedback.get_by_role("button", name="No").click()
    feedback = page.get_by_role("region", name="Was this helpful?")
    expect(feedback).to_contain_text("you marked this not helpful")
    # back to her results, the search still in the box
    page.get_by_role("link", name="← Help centre").click()
    heading(page, "Help centre")
    expect(page.get_by_label("How can we help?")).to_have_value("add a printer")
    page.get_by_role("region", name=re.compile("Articles for")).get_by_role(
        "link", name="Add a printer"
    ).click()
    heading(page, "Add a printer")
    page.get_by_role("region", name="Was this helpful?").get_by_role(
        "link", name="Report a problem"
    ).click()
    heading(page, "Report a problem")
    title = f"Article {number} did not help: Add a printer"
    expect(page.get_by_label("Title")).to_have_value(title)
    expect(page.get_by_label("What happened")).to_have_value(
        re.compile(rf"The article {number} “Add a printer” \(http\S+/knowledge/{number}/\)")
    )
    no_error_on_page(page)


def test_requester_typing_a_sentence_as_her_title_keeps_the_articles_offered(page):
    """The defect: "VPN" offered the VPN articles as she began her title, and they went
    away as she typed on ("VPN drops every hour": no title holds every word), though the
    help centre's search finds them for the same words."""
    sign_in(page, "alice")
    open_module(page, "Help centre")
    page.get_by_role("main").get_by_role("link", name="Report a problem").first.click()
    heading(page, "Report a problem")
    suggestions = page.locator("#kb-suggestions")
    title = page.get_by_label("Title")
    title.press_sequentially("VPN", delay=20)
    expect(suggestions.get_by_role("link", name="Connect to the VPN from home")).to_be_visible()
    title.press_sequentially(" drops every hour", delay=20)
    swapped(page)
    for title_of_article in (
        "Connect to the VPN from home",
        "VPN disconnects after ten minutes idle",
    ):
        expect(suggestions.get_by_role("link", name=title_of_article)).to_be_visible()
    no_error_on_page(page)


def test_agent_is_offered_an_article_then_turns_a_resolution_into_a_draft(page):
    sign_in(page, "agent")
    open_module(page, "Incidents")
    page.get_by_role("link", name="New incident").click()
    heading(page, "New incident")
    title = page.get_by_label("Title")
    title.press_sequentially("Outlook asks for the password again", delay=20)
    suggestions = page.locator("#kb-suggestions")
    offered = suggestions.get_by_role("link", name="Outlook asks for the password again and again")
    expect(offered).to_be_visible()
    swapped(page)
    page.get_by_label("Description").fill("Every few minutes since this morning.")
    page.get_by_label("Category", exact=True).select_option(label="Email")
    page.get_by_label("Assignee").fill("agent")
    page.get_by_role("button", name="Log incident").click()
    heading(page, re.compile("Outlook asks for the password again"))

    status = page.locator(".toolbar .status")
    page.get_by_role("button", name="Start work").click()
    expect(status).to_have_text("In progress")
    page.get_by_label("Resolution code").select_option(label="Solved (permanently)")
    page.get_by_label("Resolution notes").fill(
        "Removed the saved Office entries in Credential Manager."
    )
    page.get_by_role("button", name="Resolve").click()
    expect(status).to_have_text("Resolved")

    page.get_by_role("button", name="Write a knowledge article").click()
    heading(page, re.compile(r"^Edit KB\d{7}$"))
    body = page.get_by_label("Body")
    expect(body).to_have_value(re.compile("Removed the saved Office entries"))
    expect(page.get_by_label("Title")).to_have_value("Outlook asks for the password again")
    page.get_by_role("button", name="Save").click()
    heading(page, "Outlook asks for the password again")
    work = page.get_by_role("region", name="Work it")
    expect(work).to_contain_text("Draft")
    work.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("region", name="Work it")).to_contain_text("In review")
    no_error_on_page(page)
