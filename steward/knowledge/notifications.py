"""Mail to an article's owner when its review date has come: once per article and due date."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from steward.core import mail, outbox
from steward.core.models import OutboxMessage
from steward.knowledge.models import Article

KIND = "article_review_due"


@outbox.consumer("article.review_due")
def on_review_due(event: OutboxMessage) -> int:
    """One mail to the owner; the key names the due date, so a redelivered event, or a
    second sweep, mails nobody again, while a new review date is reminded of afresh."""
    article = Article.objects.filter(pk=event.object_id).select_related("owner").first()
    if article is None:
        return 0
    owner = article.owner
    if not owner.is_active or not owner.email or not owner.email_notifications:
        return 0
    due = event.payload.get("review_date", "")
    subject, text = mail.render(
        f"knowledge/email/{KIND}.txt",
        {
            "article": article,
            "due": due,
            "link": f"{settings.BASE_URL}{reverse('knowledge:detail', args=[article.number])}",
        },
        language=mail.language_of(owner),
    )
    return mail.queue(
        key=f"article-review:{article.pk}:{due}",
        kind=KIND,
        record=article,
        mails=[
            mail.Mail(
                recipient=owner.email,
                subject=f"[{article.number}] {subject}",
                body=text.strip() + "\n",
                headers={"X-Steward-Article": article.number},
            )
        ],
    )
