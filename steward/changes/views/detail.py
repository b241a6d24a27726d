"""The change page and its htmx actions: status moves, the post-implementation review,
comments and the conflicts panel.

What the page offers comes from ``selectors.change_capabilities``; every form is saved
through ``web.forms.submit`` and comes back on the page (only its panel for htmx)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from steward.changes import selectors, services
from steward.changes.choices import Status
from steward.changes.forms import CommentForm, MoveForm, ReviewForm
from steward.changes.models import Change
from steward.changes.services import ScheduleConflict
from steward.changes.views.common import PLAN_FIELDS
from steward.changes.workflow import needs_review, starts_early
from steward.core.actor import Actor
from steward.core.errors import Conflict, ValidationFailed
from steward.core.views.attachments import attachment_card
from steward.web.forms import submit

DETAIL = "changes/detail.html"
# the fields each move asks for, beyond what the workflow table requires
MOVE_FIELDS = {
    Status.SCHEDULED: ("planned_start", "planned_end", "override_reason"),
    Status.IMPLEMENTATION: ("actual_start",),
    Status.REVIEW: ("outcome", "actual_end"),
    Status.FAILED: ("outcome", "actual_end"),
    Status.CLOSED: ("outcome",),
}
# the plans by the names the change's form gives them (a move's form has no field for them)
PLAN_LABELS = {
    "implementation_plan": _("Implementation plan"),
    "backout_plan": _("Backout plan"),
    "test_plan": _("Test plan"),
}
# a refused move names ``status``: its reason is said above the moves, not beside a field
MOVE_ALIASES = {"status": "__all__"}


def _moves(change: Change, offered: list, bound: MoveForm | None) -> list[dict[str, Any]]:
    """The offered moves as buttons, each in its own form with the fields it needs; the
    move that just failed keeps what was typed and its errors."""
    failed = bound.data.get("status", "") if bound is not None else ""
    initial = {
        "version": change.version,
        "planned_start": change.planned_start,
        "planned_end": change.planned_end,
        "outcome": change.outcome,
    }
    moves = []
    early = starts_early(change, timezone.now())
    for move in offered:
        target = move.target
        names = [n for n in (*move.requires, *MOVE_FIELDS.get(target, ())) if n not in PLAN_FIELDS]
        # a start well before the window says so and asks for the tick the service wants
        early_start = early and target == Status.IMPLEMENTATION
        if early_start:
            names.append("start_early")
        form = bound if target == failed else MoveForm(initial=initial, auto_id=f"id_{target}_%s")
        moves.append(
            {
                "target": target,
                "label": move.label or target,
                "form": form,
                "early": early_start,
                "fields": [form[n] for n in dict.fromkeys(names)],
            }
        )
    return moves


def _answers(change: Change) -> list[tuple[str, str]]:
    """The questionnaire as (question, chosen answer) for the answered questions."""
    chosen = change.risk_answers or {}
    rows = []
    for question in selectors.risk_questions():
        if question.slug in chosen:
            label = next(
                (
                    selectors.risk_answer_label(question, a)
                    for a in question.answers.all()
                    if a.slug == chosen[question.slug]
                ),
                chosen[question.slug],
            )
            rows.append((selectors.risk_question_text(question), label))
    return rows


def _review_form(change: Change) -> ReviewForm:
    review = change.review if selectors.change_has_review(change) else None
    initial = (
        {}
        if review is None
        else {"outcome": review.outcome, "notes": review.notes, "lessons": review.lessons}
    )
    return ReviewForm(initial=initial, auto_id="review_%s")


def detail_context(actor: Actor, change: Change, failed: forms.Form | None = None) -> dict:
    """Everything the change page shows; the forms are fresh except a failed one (``submit``
    passes it again under its name)."""
    can = selectors.change_capabilities(actor, change)
    move_form = failed if isinstance(failed, MoveForm) else None
    return {
        "change": change,
        "can": can,
        "approvals": selectors.approval_list(actor, change),
        "conflicts": selectors.change_conflicts(actor, change) if can.can_see_conflicts else None,
        "moves": _moves(change, can.moves, move_form),
        "move_errors": move_form.non_field_errors() if move_form is not None else [],
        "answers": _answers(change),
        "risk_reasons": selectors.change_risk_reasons(change),
        "review": change.review if selectors.change_has_review(change) else None,
        "review_needed": needs_review(change),
        "review_form": _review_form(change),
        "timeline": selectors.change_timeline(actor, change),
        "comment_form": CommentForm(),
        "attachments": attachment_card(actor, change),
    }


@login_required
@require_GET
def change_detail(request: HttpRequest, number: str) -> HttpResponse:
    change = selectors.change_get(request.actor, number=number)
    return render(request, DETAIL, detail_context(request.actor, change))


def _on_detail(
    request: HttpRequest,
    change: Change,
    form: forms.Form,
    save: Callable[[forms.Form], object],
    *,
    form_name: str,
    partial: str | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Save a form of the change page: back to the page on success (everything on it may
    have moved), the page (or its ``partial`` for htmx) with the failed form otherwise."""
    return submit(
        request,
        form,
        save,
        success=reverse("changes:detail", args=[change.number]),
        template=DETAIL,
        context=lambda failed: detail_context(request.actor, change, failed),
        partial=partial,
        form_name=form_name,
        aliases=aliases,
    )


def _in_words(exc: ScheduleConflict) -> Conflict:
    """A schedule conflict as a person reads it (the API keeps its codes)."""
    text = gettext(
        "The planned window collides with %(what)s. Give a reason to schedule it anyway "
        "(required to schedule despite conflicts)."
    ) % {"what": exc.report.in_words()}
    return Conflict(text, fields={"override_reason": [text]})


def _plans_missing(exc: ValidationFailed) -> ValidationFailed | None:
    """A move refused for plans the change lacks (scheduling needs all three), said as a
    person reads it: the move's form has no field for them ("Invalid value for: test_plan"
    was all it showed), so the message names them and where to fill them in."""
    missing = [name for name in PLAN_FIELDS if name in exc.fields]
    if not missing:
        return None
    labels = ", ".join(str(PLAN_LABELS[name]) for name in missing)
    text = ngettext(
        "A plan of the change is empty: %(plans)s. Edit the change to fill it in, then move it on.",
        "Plans of the change are empty: %(plans)s. Edit the change to fill them in, then "
        "move it on.",
        len(missing),
    ) % {"plans": labels}
    return ValidationFailed(exc.fields, message=text)


@login_required
@require_POST
def change_move(request: HttpRequest, number: str) -> HttpResponse:
    """A status move with its fields; errors come back in the work panel (htmx) or page."""
    actor = request.actor
    change = selectors.change_get(actor, number=number)
    form = MoveForm(request.POST, auto_id=f"id_{request.POST.get('status', '')}_%s")

    def save(form: MoveForm) -> None:
        try:
            services.change_update(
                actor,
                number=number,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(change),
            )
        except ScheduleConflict as exc:
            raise _in_words(exc) from exc
        except ValidationFailed as exc:
            raise (_plans_missing(exc) or exc) from exc

    return _on_detail(
        request, change, form, save, form_name="move_form", partial="work", aliases=MOVE_ALIASES
    )


@login_required
@require_POST
def change_review(request: HttpRequest, number: str) -> HttpResponse:
    """Record or revise the post-implementation review."""
    change = selectors.change_get(request.actor, number=number)
    return _on_detail(
        request,
        change,
        ReviewForm(request.POST, auto_id="review_%s"),
        lambda f: services.change_review(request.actor, number=number, **f.cleaned_data),
        form_name="review_form",
        partial="review",
    )


@login_required
@require_POST
def change_comment(request: HttpRequest, number: str) -> HttpResponse:
    """A comment (or, for agents, a work note); the page comes back with it."""
    actor = request.actor
    change = selectors.change_get(actor, number=number)
    return _on_detail(
        request,
        change,
        CommentForm(request.POST),
        lambda f: services.change_comment(
            actor,
            number=number,
            body=f.cleaned_data["body"],
            internal=f.cleaned_data["internal"] and actor.is_agent,
        ),
        form_name="comment_form",
    )


@login_required
@require_GET
def change_conflicts(request: HttpRequest, number: str) -> HttpResponse:
    """The conflicts panel of one change (the CAB agenda loads it per change on demand)."""
    actor = request.actor
    change = selectors.change_get(actor, number=number)
    report = selectors.change_conflicts(actor, change) if actor.is_agent else None
    return render(request, "changes/_conflicts.html", {"conflicts": report, "change": change})
