"""Writing articles (agents): new, edit, a status move, and a draft from an incident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from steward.core.errors import NotFound, ValidationFailed
from steward.incidents import selectors as incident_selectors
from steward.knowledge import selectors, services
from steward.knowledge.forms import ArticleForm, MoveForm
from steward.knowledge.views.reading import detail_context
from steward.web.forms import submit

FORM = "knowledge/form.html"


def _detail(article) -> str:  # noqa: ANN001
    return reverse("knowledge:detail", args=[article.number])


def _require_agent(request: HttpRequest) -> None:
    """Writing pages do not exist for others (404, as for anything they may not use)."""
    if not request.actor.is_agent:
        raise NotFound()


def _categories() -> list:
    return incident_selectors.category_choices()


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    _require_agent(request)
    actor = request.actor
    if request.method == "POST":
        return submit(
            request,
            ArticleForm(request.POST, categories=_categories()),
            lambda f: services.article_create(actor, **f.changes()),
            success=_detail,
            template=FORM,
        )
    return render(request, FORM, {"form": ArticleForm(categories=_categories())})


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, number: str) -> HttpResponse:
    _require_agent(request)
    actor = request.actor
    article = selectors.article_get(actor, number=number)
    context = {"article": article}
    if request.method == "POST":
        return submit(
            request,
            ArticleForm(request.POST, categories=_categories()),
            lambda f: services.article_update(
                actor,
                number=number,
                expected_version=f.cleaned_data["version"],
                changes=f.changes(article),
            ),
            success=_detail,
            template=FORM,
            context=context,
        )
    form = ArticleForm(initial=ArticleForm.initial_for(article), categories=_categories())
    return render(request, FORM, {**context, "form": form})


@login_required
@require_POST
def move(request: HttpRequest, number: str) -> HttpResponse:
    """Send for review, publish, retire…: the workflow's buttons on the article page."""
    _require_agent(request)
    article = selectors.article_get(request.actor, number=number)
    return submit(
        request,
        MoveForm(request.POST),
        lambda f: services.article_update(
            request.actor,
            number=number,
            expected_version=f.cleaned_data["version"],
            changes={"status": f.cleaned_data["status"]},
        ),
        success=lambda a: _detail(a) + "?voted=1",
        template="knowledge/detail.html",
        context=lambda failed: detail_context(request, article),
        form_name="move_form",
    )


@login_required
@require_POST
def from_incident(request: HttpRequest, number: str) -> HttpResponse:
    """ "Write an article" on a resolved incident: a draft from its resolution, then its
    edit page. A refusal (no resolution yet) shows on the incident's page."""
    _require_agent(request)
    incident = incident_selectors.incident_get(request.actor, number=number)
    try:
        article = services.article_create(request.actor, from_incident=incident.number)
    except ValidationFailed as exc:  # no resolution yet: said on the incident's page (PRG)
        first = next(iter(exc.fields.values()), [exc.message])[0]
        messages.error(request, f"No article drafted: {first}.")
        return redirect("incidents:detail", incident.number)
    return HttpResponse(
        status=303, headers={"Location": reverse("knowledge:edit", args=[article.number])}
    )
