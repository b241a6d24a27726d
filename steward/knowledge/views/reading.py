"""Reading the knowledge base: the list with search, one article, an older version, a vote,
and the suggestions shown while a title is typed (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from steward.core import selectors as core_selectors
from steward.core.errors import ValidationFailed
from steward.core.views.attachments import attachment_card
from steward.knowledge import selectors, services
from steward.knowledge.choices import Status
from steward.knowledge.filters import parse_query
from steward.knowledge.forms import MoveForm, VoteForm
from steward.web.forms import submit

FILES = 50  # an article with more files than this lists the first ones


@login_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles the person may read; agents filter by state and see drafts."""
    actor = request.actor
    filters, errors = parse_query(request.GET)
    page = None
    if not errors:
        try:
            page = selectors.article_list(actor, **filters.dict())
        except ValidationFailed as exc:  # a forged cursor, a limit out of range: 422
            errors = exc.fields
    return render(
        request,
        "knowledge/list.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "states": Status.choices,
            "agent": actor.is_agent,
        },
        status=422 if errors else 200,
    )


def searched(request: HttpRequest) -> str:
    """The help-centre search a reader came from (``?q=``, kept on the article's links and
    through a vote), so "← Help centre" leads back to its results; "" without one."""
    return " ".join(request.GET.get("q", "").split())[:200]


def detail_context(request: HttpRequest, article) -> dict:  # noqa: ANN001
    actor = request.actor
    can = selectors.article_capabilities(actor, article)
    search = searched(request)
    context = {
        "article": article,
        "can": can,
        # the search kept: for the vote's address and the way back (``back``: the same
        # search again, not a new self-help journey)
        "search_query": urlencode({"q": search}) if search else "",
        "help_centre": reverse("portal:home")
        + (f"?{urlencode({'q': search, 'back': 1})}" if search else ""),
        "vote": selectors.my_vote(actor, article),
        "vote_form": VoteForm(),
        "versions": selectors.article_versions(actor, article),
        # the portal shows articles to requesters in its own frame
        "base": "web/base.html" if actor.is_agent else "portal/base.html",
    }
    if actor.is_agent:
        context["move_form"] = MoveForm(initial={"version": article.version})
        context["attachments"] = attachment_card(actor, article)
    else:  # a reader: the files to download, no upload form
        context["files"] = {
            "items": core_selectors.attachment_page(
                actor, target=f"article/{article.number}", limit=FILES
            ).items,
            "read_only": True,
        }
    return context


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """One article, rendered from its sanitised HTML; the read is counted."""
    article = selectors.article_get(request.actor, number=number)
    if "voted" not in request.GET:  # back from a vote: the same read, not another
        services.article_viewed(request.actor, article)
    return render(request, "knowledge/detail.html", detail_context(request, article))


@login_required
@require_POST
def vote(request: HttpRequest, number: str) -> HttpResponse:
    """ "Was this helpful?": one vote per person, voting again changes it."""
    article = selectors.article_get(request.actor, number=number)
    return submit(
        request,
        VoteForm(request.POST),
        lambda f: services.article_vote(
            request.actor, number=number, helpful=f.cleaned_data["helpful"]
        ),
        success=lambda _: (
            reverse("knowledge:detail", args=[number])
            + "?"
            + urlencode({"voted": 1, **({"q": searched(request)} if searched(request) else {})})
        ),
        template="knowledge/detail.html",
        context=lambda failed: detail_context(request, article),
        form_name="vote_form",
    )


@login_required
@require_GET
def version(request: HttpRequest, number: str, revision: int) -> HttpResponse:
    """An earlier published text (agents)."""
    article = selectors.article_get(request.actor, number=number)
    kept = selectors.article_version_get(request.actor, article, revision=revision)
    return render(request, "knowledge/version.html", {"article": article, "kept": kept})


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Articles that may help with what is being typed (the incident form's title)."""
    q = request.GET.get("title", "")[:200]
    articles = selectors.article_suggest(request.actor, q=q)
    return render(request, "knowledge/_suggestions.html", {"articles": articles, "q": q})
