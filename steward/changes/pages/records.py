"""The change list, the change page with its htmx actions, and the create/edit form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.changes import page_queries, selectors, services
from steward.changes.choices import (
    EDITABLE_SCOPE_STATES,
    TERMINAL_STATES,
    ChangeType,
    RiskLevel,
    Status,
)
from steward.changes.forms import ChangeForm, CommentForm, MoveForm, ReviewForm
from steward.changes.models import Change
from steward.changes.pages.common import (
    actor_of,
    apply_error,
    context,
    is_change_manager,
    not_found,
    partial_requested,
)
from steward.changes.workflow import CHANGE_FLOW, SCHEDULE, needs_review
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound

# the fields each move asks for, beyond what the workflow table requires
MOVE_FIELDS = {
    Status.SCHEDULED: ("planned_start", "planned_end", "override_reason"),
    Status.IMPLEMENTATION: ("actual_start",),
    Status.REVIEW: ("outcome", "actual_end"),
    Status.FAILED: ("outcome", "actual_end"),
    Status.CLOSED: ("outcome",),
}
PLAN_FIELDS = [name for name in SCHEDULE if name.endswith("_plan")]


def _teams(actor: Actor) -> list:
    return core_selectors.team_list(actor, limit=200).items if actor.is_agent else []


@login_required
@require_GET
def change_list(request: HttpRequest) -> HttpResponse:
    """Queues and filters; htmx swaps only the rows, and the URL keeps the filters."""
    actor = actor_of(request)
    params: dict[str, Any] = {
        "queue": request.GET.get("queue") or ("mine" if actor.is_agent else "all"),
        "status": [v for v in request.GET.getlist("status") if v],
        "type": [v for v in request.GET.getlist("type") if v],
        "risk": [v for v in request.GET.getlist("risk") if v],
        "team": request.GET.get("team", ""),
        "q": request.GET.get("q", "").strip(),
        "cursor": request.GET.get("cursor") or None,
    }
    limit = request.GET.get("limit", "")
    values = context(
        params=params,
        queues=page_queries.QUEUES,
        statuses=Status.choices,
        types=ChangeType.choices,
        risks=RiskLevel.choices,
        teams=_teams(actor),
        is_agent=actor.is_agent,
        page=None,
        error=None,
    )
    status = 200
    try:
        values["page"] = page_queries.change_queue(
            actor, **params, limit=int(limit) if limit.isdecimal() and len(limit) < 10 else None
        )
    except DomainError as exc:
        values["error"], status = exc.message, exc.status
    partial = partial_requested(request) and request.GET.get("partial")
    template = "changes/pages/list.html" + ("#rows" if partial and not values["error"] else "")
    return render(request, template, values, status=status)


def _form_options(actor: Actor) -> dict[str, Any]:
    return {
        "teams": _teams(actor),
        "templates": selectors.template_list(actor, is_active=True, limit=200).items,
        "questions": selectors.risk_questions(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def change_new(request: HttpRequest) -> HttpResponse:
    """Raise a normal, emergency or (from a template) standard change."""
    actor = actor_of(request)
    if not actor.is_agent:
        return not_found(request)
    options = _form_options(actor)
    initial: dict[str, Any] = {}
    chosen = request.GET.get("template", "")
    if chosen:  # "New standard change" from a template: its plans filled in
        try:
            template = selectors.template_get(actor, slug=chosen)
        except NotFound:
            template = None
        if template is not None:
            initial = {
                "type": ChangeType.STANDARD,
                "template": template.slug,
                "title": template.name,
                "description": template.description,
            }
            initial |= {name: getattr(template, name) for name in PLAN_FIELDS}
    form = ChangeForm(request.POST or None, initial=initial, **options)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            values = form.create_values()
            try:
                change = services.change_create(actor, **values)
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status if exc.status != 404 else 422
            else:
                return redirect("changes:detail", number=change.number)
    return render(
        request,
        "changes/pages/form.html",
        context(form=form, change=None, templates=options["templates"]),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit fields; a stale version says so and offers a reload, keeping what was typed."""
    actor = actor_of(request)
    try:
        change = selectors.change_get(actor, number=number)
    except NotFound:
        return not_found(request)
    if not actor.is_agent or change.status in TERMINAL_STATES:
        return redirect("changes:detail", number=number)
    options = _form_options(actor)
    options.pop("templates")
    editable = change.status in EDITABLE_SCOPE_STATES
    form = ChangeForm(
        request.POST or None,
        initial=ChangeForm.initial_for(change),
        change=change,
        scope_editable=editable,
        **options,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.change_update(
                    actor,
                    number=number,
                    expected_version=form.cleaned_data["version"],
                    changes=form.edit_changes(change),
                )
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status if exc.status != 404 else 422
            else:
                return redirect("changes:detail", number=number)
    return render(
        request,
        "changes/pages/form.html",
        context(
            form=form,
            change=change,
            stale="version" in form.errors
            or any("changed since" in e for e in form.non_field_errors()),
        ),
        status=status,
    )


def _moves(actor: Actor, change: Change, bound: MoveForm | None = None) -> list[dict[str, Any]]:
    """The allowed next states as buttons, each in its own form with the fields it needs;
    the move that just failed keeps what was typed and its errors."""
    failed = bound.data.get("status", "") if bound is not None else ""
    initial = {
        "version": change.version,
        "planned_start": change.planned_start,
        "planned_end": change.planned_end,
        "outcome": change.outcome,
    }
    moves = []
    for target in selectors.change_allowed_transitions(actor, change):
        move = CHANGE_FLOW.transition(change.status, target)
        names = [n for n in (*move.requires, *MOVE_FIELDS.get(target, ())) if n not in PLAN_FIELDS]
        form = bound if target == failed else MoveForm(initial=initial, auto_id=f"id_{target}_%s")
        moves.append(
            {
                "target": target,
                "label": move.label or target,
                "form": form,
                "fields": [form[n] for n in dict.fromkeys(names)],
            }
        )
    return moves


def _timeline(actor: Actor, change: Change) -> list[tuple]:
    comments = selectors.change_comment_page(actor, change, limit=200).items
    history = core_selectors.record_history(actor, change) if actor.is_agent else []
    entries = [("comment", c.created_at, c) for c in comments]
    entries += [("audit", h.at, h) for h in history]
    return sorted(entries, key=lambda t: t[1], reverse=True)


def _answers(change: Change) -> list[tuple[str, str]]:
    """The questionnaire as (question, chosen answer) for the answered questions."""
    chosen = change.risk_answers or {}
    rows = []
    for question in selectors.risk_questions():
        if question.slug in chosen:
            label = next(
                (a.label for a in question.answers.all() if a.slug == chosen[question.slug]),
                chosen[question.slug],
            )
            rows.append((question.text, label))
    return rows


def detail_context(actor: Actor, change: Change, **extra: Any) -> dict[str, Any]:
    conflicts = selectors.change_conflicts(actor, change) if actor.is_agent else None
    move_form = extra.pop("move_form", None)
    reviewable = change.status in (Status.REVIEW, Status.FAILED) and actor.is_agent
    review = change.review if selectors.change_has_review(change) else None
    review_form = extra.pop("review_form", None)
    if review_form is None and reviewable:
        initial = (
            {}
            if review is None
            else {"outcome": review.outcome, "notes": review.notes, "lessons": review.lessons}
        )
        review_form = ReviewForm(initial=initial, auto_id="review_%s")
    return context(
        change=change,
        approvals=selectors.approval_list(actor, change),
        conflicts=conflicts,
        moves=_moves(actor, change, move_form),
        move_errors=move_form.non_field_errors() if move_form is not None else [],
        answers=_answers(change),
        review=review,
        review_needed=needs_review(change),
        review_form=review_form,
        reviewable=reviewable,
        timeline=_timeline(actor, change),
        comment_form=CommentForm(),
        is_agent=actor.is_agent,
        can_edit=actor.is_agent and change.status not in TERMINAL_STATES,
        is_change_manager=is_change_manager(actor),
        **extra,
    )


@login_required
@require_GET
def change_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        change = selectors.change_get(actor, number=number)
    except NotFound:
        return not_found(request)
    return render(request, "changes/pages/detail.html", detail_context(actor, change))


def _back_to_change(request: HttpRequest, number: str) -> HttpResponse:
    """After a successful htmx action the whole page reloads (everything on it moved)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"/changes/{number}/"
        return response
    return redirect("changes:detail", number=number)


def _submit(
    request: HttpRequest,
    actor: Actor,
    number: str,
    form: Any,
    save: Any,
    *,
    form_name: str,
    partial: str,
) -> HttpResponse:
    """Run ``save(form)`` when the form is valid; on success back to the change, otherwise
    the change again with the form's errors (only its ``partial`` for htmx)."""
    status = 422
    if form.is_valid():
        try:
            save(form)
        except NotFound:
            return not_found(request)
        except DomainError as exc:
            apply_error(form, exc)
            status = exc.status
        else:
            return _back_to_change(request, number)
    change = selectors.change_get(actor, number=number)
    values = detail_context(actor, change, **{form_name: form})
    if partial_requested(request):
        return render(request, f"changes/pages/detail.html#{partial}", values, status=422)
    return render(request, "changes/pages/detail.html", values, status=status)


@login_required
@require_POST
def change_move(request: HttpRequest, number: str) -> HttpResponse:
    """A status move with its fields; errors come back in the work panel (htmx) or page."""
    actor = actor_of(request)
    try:
        change = selectors.change_get(actor, number=number)
    except NotFound:
        return not_found(request)
    form = MoveForm(request.POST, auto_id=f"id_{request.POST.get('status', '')}_%s")

    def save(form: MoveForm) -> None:
        services.change_update(
            actor,
            number=number,
            expected_version=form.cleaned_data["version"],
            changes=form.changes(change),
        )

    return _submit(request, actor, number, form, save, form_name="move_form", partial="work")


@login_required
@require_POST
def change_review(request: HttpRequest, number: str) -> HttpResponse:
    """Record or revise the post-implementation review."""
    actor = actor_of(request)
    try:
        selectors.change_get(actor, number=number)
    except NotFound:
        return not_found(request)
    form = ReviewForm(request.POST, auto_id="review_%s")

    def save(form: ReviewForm) -> None:
        services.change_review(actor, number=number, **form.cleaned_data)

    return _submit(request, actor, number, form, save, form_name="review_form", partial="review")


@login_required
@require_POST
def change_comment(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_of(request)
    form = CommentForm(request.POST)
    try:
        selectors.change_get(actor, number=number)
        if form.is_valid():
            services.change_comment(
                actor,
                number=number,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"] and actor.is_agent,
            )
    except NotFound:
        return not_found(request)
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, exc.message)
    return redirect("changes:detail", number=number)


@login_required
@require_GET
def change_conflicts(request: HttpRequest, number: str) -> HttpResponse:
    """The conflicts panel of one change (the CAB agenda loads it per change on demand)."""
    actor = actor_of(request)
    try:
        change = selectors.change_get(actor, number=number)
    except NotFound:
        return not_found(request)
    report = selectors.change_conflicts(actor, change) if actor.is_agent else None
    return render(request, "changes/pages/_conflicts.html", {"conflicts": report, "change": change})
