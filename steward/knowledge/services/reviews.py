"""Review reminders: an owner is told once per due date of each published article whose
review date has come (the worker's daily sweep; the mail goes through the outbox)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from steward.core import outbox
from steward.knowledge.choices import Status
from steward.knowledge.models import Article

BATCH = 500


@transaction.atomic
def reviews_remind(*, batch: int = BATCH) -> int:
    """Emit ``article.review_due`` for each published article past its review date whose
    owner has not been reminded of that date; mark it reminded. Returns how many."""
    today = timezone.localdate()
    due = list(
        Article.objects.select_for_update(skip_locked=True)
        .filter(status=Status.PUBLISHED, review_date__lte=today)
        .exclude(reminded_for=F("review_date"))
        .order_by("review_date", "id")[:batch]
    )
    for article in due:
        outbox.emit(
            "article.review_due",
            article,
            number=article.number,
            review_date=article.review_date.isoformat(),
        )
    Article.objects.filter(pk__in=[a.pk for a in due]).update(reminded_for=F("review_date"))
    return len(due)
