"""Web endpoints of changes outside the workspace: the calendar feeds (authenticated by the
secret in the URL) and the emailed approve/reject link."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from steward.changes import selectors, services
from steward.changes.forms import DecisionForm
from steward.changes.views import ical
from steward.core import mail
from steward.core.errors import NotFound
from steward.web.forms import submit

FEED_DOMAIN = "steward.local"
PAGE = "changes/approval_link.html"


def _feed(token: str, team: str = "") -> HttpResponse:
    actor = selectors.feed_owner(token)
    if actor is None:
        raise NotFound()  # an unknown or rotated secret: the 404 page, by middleware
    changes = selectors.feed_changes(actor, team=team)
    name = f"Steward changes: {team}" if team else f"Steward changes for {actor.user.username}"
    text = ical.calendar(
        changes, name=name, domain=FEED_DOMAIN, base_url=settings.BASE_URL, now=timezone.now()
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Scheduled changes the token's owner may see, as iCalendar."""
    return _feed(token)


@require_GET
def team_feed(request: HttpRequest, token: str, team: str) -> HttpResponse:
    """Scheduled changes of one team the token's owner may see, as iCalendar."""
    return _feed(token, team)


@require_http_methods(["GET", "POST"])
def approval_link(request: HttpRequest, token: str) -> HttpResponse:
    """An emailed link: GET shows the change and asks to confirm (mail scanners follow
    links, so a GET never decides); POST decides once. A forged, expired or spent link is
    the 404 page."""
    approval, approver, sent_to = services.approval_link_read(token)
    # read by the person it was sent to, often not signed in: times in their profile's zone,
    # words in the language of their mail (their profile's, decision 0026), not the
    # browser's; whoever is signed in reads their own profile's (the middleware's choice)
    language = _language_of(request, sent_to)
    with timezone.override(mail.zone_of(sent_to)), translation.override(language):
        request.LANGUAGE_CODE = language
        response = _approval_page(request, token, approval, approver, sent_to)
    response.headers["Content-Language"] = language
    return response


def _language_of(request: HttpRequest, sent_to) -> str:  # noqa: ANN001 - a User
    if request.user.is_authenticated:
        return request.LANGUAGE_CODE
    # their choice, else (none made) the browser's, which the middleware has read
    return mail.chosen_language(sent_to) or request.LANGUAGE_CODE


def _approval_page(request: HttpRequest, token: str, approval, approver, sent_to) -> HttpResponse:  # noqa: ANN001
    context = {
        "approval": approval,
        "change": approval.change,
        "approver": approver,
        "sent_to": sent_to,
        "done": None,
        "decided": selectors.approval_decision_of(approval, approver),
    }
    if request.method == "GET":  # the page shows a decided or withdrawn approval's state
        return render(request, PAGE, {**context, "form": DecisionForm()})
    return submit(
        request,
        DecisionForm(request.POST),
        lambda f: services.approval_decide_by_link(
            token, decision=f.cleaned_data["decision"], comment=f.cleaned_data["comment"]
        ),
        success=lambda done: render(request, PAGE, {**context, "done": done}),
        template=PAGE,
        context=context,
    )
