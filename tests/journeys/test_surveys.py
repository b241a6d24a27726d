"""A requester rates two resolved incidents, one from the emailed link (not signed in), one
from the help centre's prompt, by clicking; the team lead (Lee Lead, Service Desk) reads the
ratings in the satisfaction report. The requester is one no other journey signs in as; the
two surveys are deleted after the journey, however it ended (their notes stay on two old
resolved incidents, internal).

A second requester (the demo's completed request's) is asked on the help centre's home
and rates her incident and her request from each record's own page (decision 0128)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, sign_in

pytestmark = [pytest.mark.browser]
KEY = "journey-surveys:"


def _rater_and_incidents():
    """A demo requester reading English with two resolved incidents of Lee's teams and no
    survey, not one of the other journeys' people (alice, ben.garcia, julia.rossi,
    automation's spare, who is the last requester by name: this one is among the first)."""
    from steward.core.models import User
    from steward.incidents.models import Incident

    requesters = (
        User.objects.filter(
            groups__name="requester",
            is_active=True,
            surveys__isnull=True,
            language__in=("", "en"),  # the page speaks the requester's language: English here
        )
        .exclude(username__in=["alice", "ben.garcia", "julia.rossi"])
        .order_by("username")
    )
    for user in list(requesters)[:-1]:
        resolved = list(
            Incident.objects.filter(
                caller=user, status__in=("resolved", "closed"), team__lead__username="lead"
            ).order_by("-resolved_at")[:2]
        )
        if len(resolved) == 2:
            return user, resolved
    raise AssertionError("no demo requester with two resolved incidents of Lee's teams")


@pytest.fixture
def asked():
    """The requester invited (as the worker does after a resolve) to rate two incidents."""
    from django.db import connections

    from steward.core.actor import Actor
    from steward.surveys import services
    from steward.surveys.models import Survey

    user, incidents = _rater_and_incidents()
    surveys = [
        services.survey_invite(
            Actor.system("journey"),
            subject="incident",
            record=incident,
            requester=user,
            team_id=incident.team_id,
            key=f"{KEY}{incident.pk}",
        )
        for incident in incidents
    ]
    assert all(surveys)
    # this fixture runs after the page's, in the context Playwright's sync API left: a
    # connection opened here is closed here, or it outlives the run (tests/journeys/conftest.py)
    connections.close_all()
    yield user, surveys
    Survey.objects.filter(key__startswith=KEY).delete()
    connections.close_all()


def _emailed_link(survey, site: str) -> str:
    from steward.core.models import OutgoingMail

    mail = OutgoingMail.objects.get(kind="survey_invitation", key=f"survey:{survey.pk}")
    link = re.search(r"https?://\S+/surveys/rate/\S+/", mail.body).group(0)
    return link.replace(settings.BASE_URL, site)


def test_requester_rates_by_mail_and_portal_and_the_lead_reads_it(page, asked, demo_site):
    from steward.surveys.models import Survey

    user, (by_mail, by_portal) = asked
    # the emailed link, opened without signing in
    page.goto(_emailed_link(by_mail, demo_site))
    heading(page, f"How did we do with {by_mail.number}?")
    page.get_by_label("4 – Satisfied").check()
    page.get_by_label("Comment (optional)").fill("Quick and friendly.")
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text("your rating of 4 of 5 is recorded")
    no_error_on_page(page)

    # the help centre asks about the other one
    page.context.clear_cookies()
    sign_in(page, user.username)
    page.get_by_role("link", name="My incidents and requests").first.click()
    page.wait_for_load_state("load")
    prompt = page.get_by_role("region", name="How did we do?")
    expect(prompt.get_by_role("link")).to_have_count(1)  # the emailed one is answered
    prompt.get_by_role("link", name=re.compile(f"Rate {by_portal.number}")).click()
    page.wait_for_load_state("load")
    page.get_by_label("2 – Dissatisfied").check()
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text("your rating of 2 of 5 is recorded")
    assert [s.rating for s in Survey.objects.filter(key__startswith=KEY).order_by("pk")] == [4, 2]

    # the team lead reads it in the reports
    page.context.clear_cookies()
    sign_in(page, "lead")
    open_module(page, "Reports")
    no_error_on_page(page)
    table = page.get_by_role("table", name="Customer satisfaction by month and team")
    invited = timezone.localtime(by_mail.invited_at)
    team = by_mail.team
    row = (
        table.locator("tbody tr")
        .filter(has_text=team.name)
        .filter(has_text=invited.strftime("%B %Y"))
    )
    expect(row).to_have_count(1)
    first_day = invited.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    answered = Survey.objects.filter(
        team=team, rating__isnull=False, invited_at__gte=first_day
    ).count()
    assert answered >= 1 + (by_portal.team_id == team.pk)  # ours, besides the demo's
    expect(row.locator("td").nth(2)).to_have_text(str(answered))


HOME_KEY = "journey-surveys-home:"


@pytest.fixture
def waiting():
    """The requester of the demo's completed catalogue request (the monitor delivered),
    asked to rate it and (invited as the worker does) her newest resolved incident that no
    demo survey asked about; reading English during the journey (her own language back after),
    the two surveys deleted after it, however it ended."""
    from django.db import connections

    from steward.catalog.models import Request
    from steward.core.actor import Actor
    from steward.incidents.models import Incident
    from steward.surveys import services
    from steward.surveys.models import Survey

    # the demo completes several requests: hers is one whose requester has no other survey
    # waiting, so the home's list holds exactly the two this journey answers
    completed = Request.objects.select_related("requester").filter(status="completed")
    request = next(
        (
            r
            for r in completed.order_by("-id")
            if not Survey.objects.filter(requester=r.requester, rating__isnull=True)
            .exclude(subject="request", subject_id=r.pk)
            .exists()
        ),
        None,
    )
    assert request is not None, "no completed demo request whose requester has one survey"
    user = request.requester
    asked = Survey.objects.filter(subject="incident").values("subject_id")
    incident = (
        Incident.objects.filter(caller=user, status__in=("resolved", "closed"))
        .exclude(pk__in=asked)
        .order_by("-resolved_at", "-id")
        .first()
    )
    assert incident is not None, f"{user.username} has no resolved demo incident"
    language = user.language
    user.language = "en"
    user.save(update_fields=["language"])  # moves the users' stamp: every process reads it
    system = Actor.system("journey")
    made = services.survey_invite(
        system,
        subject="incident",
        record=incident,
        requester=user,
        team_id=incident.team_id,
        key=f"{HOME_KEY}incident:{incident.pk}",
    )
    # the demo's completion was announced, and the worker has invited her already: that
    # survey is the one waiting (its answer taken back after the journey)
    before = Survey.objects.filter(
        subject="request", subject_id=request.pk, requester=user, rating__isnull=True
    ).first()
    waiting = before or services.survey_invite(
        system,
        subject="request",
        record=request,
        requester=user,
        team_id=None,
        key=f"{HOME_KEY}request:{request.pk}",
    )
    assert made
    assert waiting
    connections.close_all()  # as ``asked`` above
    yield user, incident, request
    Survey.objects.filter(key__startswith=HOME_KEY).delete()
    if before is not None:
        Survey.objects.filter(pk=before.pk).update(
            rating=None, comment="", answered_at=None, answer_count=0, version=before.version
        )
    user.language = language
    user.save(update_fields=["language"])
    connections.close_all()


def _rate(page, number: str, choice: str, rating: int) -> None:
    heading(page, f"How did we do with {number}?")
    page.get_by_label(choice).check()
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text(f"your rating of {rating} of 5 is recorded")
    no_error_on_page(page)


def test_requester_is_asked_on_the_help_centre_home_and_rates_from_each_records_page(page, waiting):
    user, incident, request = waiting
    sign_in(page, user.username)  # a requester lands on the help centre
    heading(page, "Help centre")
    prompt = page.get_by_role("region", name="Waiting for your rating")
    expect(prompt.get_by_role("link")).to_have_count(2)
    expect(prompt.get_by_role("listitem").first).to_contain_text(
        re.compile(r"until \d{1,2} [A-Z][a-z]{2} \d{4}")  # the house's day, not "Dec. 21, 2026"
    )
    no_error_on_page(page)
    prompt.get_by_role("link", name=re.compile(f"^Rate {incident.number} ")).click()
    page.wait_for_load_state("load")
    heading(page, f"How did we do with {incident.number}?")

    # she looks the incident up before answering: its own page asks too
    open_module(page, "Help centre")
    page.get_by_role("navigation", name="Help centre").get_by_role(
        "link", name="My incidents and requests"
    ).click()
    page.wait_for_load_state("load")
    page.get_by_role("region", name="Incidents, newest first").get_by_role(
        "link", name=f"{incident.number} · {incident.title}", exact=True
    ).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text(incident.number)
    no_error_on_page(page)
    page.get_by_role("link", name=f"Rate {incident.number}", exact=True).click()
    page.wait_for_load_state("load")
    _rate(page, incident.number, "5 – Very satisfied", 5)

    # the request waits still: from its own page, reached through her requests
    open_module(page, "Help centre")
    prompt = page.get_by_role("region", name="Waiting for your rating")
    expect(prompt.get_by_role("link")).to_have_count(1)
    expect(prompt.get_by_role("link")).to_contain_text(f"Rate {request.number}")
    page.get_by_role("link", name="All my requests →").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name=request.number, exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text(request.number)
    no_error_on_page(page)
    page.get_by_role("link", name=f"Rate {request.number}", exact=True).click()
    page.wait_for_load_state("load")
    _rate(page, request.number, "4 – Satisfied", 4)

    # nothing waits any more: the home asks nothing
    open_module(page, "Help centre")
    heading(page, "Help centre")
    expect(page.get_by_role("region", name="Waiting for your rating")).to_have_count(0)
