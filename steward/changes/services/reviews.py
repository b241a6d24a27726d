"""The post-implementation review of an implemented change."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes import selectors
from steward.changes.choices import ReviewOutcome, Status
from steward.changes.models import PostImplementationReview
from steward.changes.services.fields import MAX_TEXT, require_agent
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import Conflict, ValidationFailed


@transaction.atomic
def change_review(
    actor: Actor, *, number: str, outcome: str, notes: str, lessons: str = ""
) -> PostImplementationReview:
    """Record (or revise) the post-implementation review of an implemented change."""
    change = selectors.change_for_update(actor, number=number)
    require_agent(actor)
    if change.status not in (Status.REVIEW, Status.FAILED):
        raise Conflict(
            _("%(number)s is %(status)s; it is reviewed after implementation.")
            % {"number": change.number, "status": change.status},
            fields={"status": [_("review or failed needed")]},
        )
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed.one(
            "outcome", _("one of %(value)s") % {"value": ", ".join(ReviewOutcome.values)}
        )
    notes, lessons = (notes or "").strip(), (lessons or "").strip()
    if not notes:
        raise ValidationFailed.one("notes", _("say what happened"))
    if len(notes) > MAX_TEXT or len(lessons) > MAX_TEXT:
        raise ValidationFailed.one(
            "notes", _("at most %(MAX_TEXT)s characters") % {"MAX_TEXT": MAX_TEXT}
        )
    review = PostImplementationReview.objects.filter(change=change).first()
    before = {} if review is None else audit.snapshot(review, ["outcome", "notes", "lessons"])
    review = review or PostImplementationReview(change=change)
    review.outcome, review.notes, review.lessons = outcome, notes, lessons
    review.reviewed_by, review.reviewed_at = actor.user, timezone.now()
    review.save()
    audit.record(
        actor,
        review,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
        after={**audit.snapshot(review, ["outcome", "notes", "lessons"]), "change": change.number},
    )
    outbox.emit("change.reviewed", change, number=change.number, outcome=outcome)
    return review
