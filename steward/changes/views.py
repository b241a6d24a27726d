"""Web endpoints of changes that are not pages of the workspace: the calendar feeds
(authenticated by the secret in the URL) and the emailed approve/reject link."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from steward.changes import ical, selectors, services
from steward.core.errors import DomainError, NotFound

FEED_DOMAIN = "steward.local"


def _feed(token: str, team: str = "") -> HttpResponse:
    actor = selectors.feed_owner(token)
    if actor is None:
        raise Http404
    try:
        changes = selectors.feed_changes(actor, team=team)
    except NotFound as exc:
        raise Http404 from exc
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
    links, so a GET never decides); POST decides once."""
    try:
        approval, approver, sent_to = services.approval_link_read(token)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "approval": approval,
        "change": approval.change,
        "approver": approver,
        "sent_to": sent_to,
        "done": None,
        "error": None,
    }
    if request.method == "POST":
        try:
            context["done"] = services.approval_decide_by_link(
                token,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            context["error"] = exc.message
    status = 422 if context["error"] else 200
    return render(request, "changes/approval_link.html", context, status=status)
