"""The self-service portal: one search box, "Report a problem", and my incidents.

Web only: the reads and writes are the knowledge and incident apps' selectors and services
(the portal has no records of its own; docs/portal.md). Each search and each "Report a
problem" start begins a self-help journey (knowledge's deflection measure).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from steward.catalog import selectors as catalog_selectors
from steward.catalog.choices import REQUEST_OPEN
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.incidents import selectors as incident_selectors
from steward.knowledge import selectors as knowledge_selectors
from steward.knowledge import services as knowledge_services
from steward.knowledge.choices import JourneyStart
from steward.portal.forms import SearchForm
from steward.surveys import selectors as survey_selectors
from steward.surveys import services as survey_services
from steward.surveys.models import Survey

RESULTS = 10
# what a requester reads when a "next page" link was changed or is out of date (the field's
# code name and the API's wording mean nothing to them)
STALE_PAGE = _("This page link is no longer valid. Start again from the first page.")
MY_OPEN = 5
MY_PAGE = 25


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Search, the two things people come for, and what I have open.

    A search answers with the best few articles (``article_best``: title matches first);
    when there may be more, *All results* (``?more=1``) lists every match, ranked, a page
    at a time with keyset cursors (``article_results``: every word, then most words, as
    the best few). Only the first answer starts a
    self-help journey: paging on is the same search."""
    actor = request.actor
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    articles, more, errors = [], None, {}
    if q and request.GET.get("more"):
        try:
            more = knowledge_selectors.article_results(
                actor, q=q, cursor=request.GET.get("cursor") or None, limit=RESULTS
            )
        except ValidationFailed:  # a forged or stale cursor: said in words, not as a field
            errors = {"more": [STALE_PAGE]}
        articles = more.items if more else []
    elif q:
        if not request.GET.get("back"):  # back from an article: the same search, not another
            knowledge_services.journey_start(actor, start=JourneyStart.SEARCH, query=q)
        articles = knowledge_selectors.article_best(actor, q=q, limit=RESULTS)
    context = {
        "form": form,
        "q": q,
        "articles": articles,
        "more": more,
        "may_have_more": more is None and len(articles) >= RESULTS,
        "errors": errors,
        # one search box finds what to read and what to order
        "catalog_items": catalog_selectors.search_items(actor, q, RESULTS) if q else [],
        "my_incidents": incident_selectors.incident_open_for_caller(actor, limit=MY_OPEN),
        "my_requests": catalog_selectors.request_list(
            actor, mine=True, status=list(REQUEST_OPEN), limit=MY_OPEN
        ).items,
        # resolved records whose survey waits for my rating (one statement, however many)
        "surveys": waiting_surveys(actor, limit=MY_OPEN),
    }
    return render(request, "portal/home.html", context, status=422 if errors else 200)


def waiting_surveys(actor: Actor, *, limit: int = 10) -> list[tuple[Survey, str]]:
    """The acting requester's own surveys waiting for an answer (``survey_waiting_for``
    reads hers only, in one statement), each with its own signed link."""
    return [
        (survey, survey_services.survey_link_token(survey))
        for survey in survey_selectors.survey_waiting_for(actor, limit=limit)
    ]


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """ "Report a problem": noted as a journey's start, then the requester's incident form;
    from an article that did not help (``?article=KB…``) the form names that article."""
    knowledge_services.journey_start(request.actor, start=JourneyStart.REPORT)
    target = reverse("incidents:new")
    prefill = knowledge_selectors.article_report_prefill(
        request.actor,
        number=request.GET.get("article", ""),
        link=lambda number: request.build_absolute_uri(reverse("knowledge:detail", args=[number])),
    )
    return redirect(f"{target}?{urlencode(prefill)}" if prefill else target)


@login_required
@require_GET
def my_incidents(request: HttpRequest) -> HttpResponse:
    """Everything I raised and ordered, newest first, with its status; each opens its page
    (history, public replies, reply and attach). The two lists page on their own keyset
    cursors (``cursor`` for incidents, ``requests`` for requests)."""
    actor = request.actor
    errors: dict[str, list[str]] = {}
    page = requests = None
    try:
        page = incident_selectors.incident_list(
            actor,
            queue="all",
            caller=actor.user.username,
            order="-opened_at",
            cursor=request.GET.get("cursor") or None,
            limit=MY_PAGE,
        )
    except ValidationFailed:  # a forged cursor
        errors["incidents"] = [STALE_PAGE]
    try:
        requests = catalog_selectors.request_list(
            actor,
            mine=True,
            cursor=request.GET.get("requests") or None,
            limit=MY_PAGE,
            brief=True,
        )
    except ValidationFailed:
        errors["requests"] = [STALE_PAGE]
    # resolved records whose survey waits for an answer: each with its own signed link
    surveys = waiting_surveys(actor)
    return render(
        request,
        "portal/list.html",
        {
            "page": page,
            "requests": requests,
            "errors": errors,
            "surveys": surveys,
            "rate_links": {survey.number: token for survey, token in surveys},
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """An article in the portal: the knowledge page (it frames itself for requesters)."""
    return redirect("knowledge:detail", number=number)
