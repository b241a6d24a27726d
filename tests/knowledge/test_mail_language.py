"""The review reminder is written in the article owner's language (decision 0026)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.core import outbox
from steward.core.models import OutgoingMail
from steward.knowledge.services import reviews_remind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("de", 'Zeit für die Überprüfung von "VPN"', "Bitte prüfen Sie"),
        ("en", 'Time to review "VPN"', "Please check that it is still right"),
    ],
)
def test_the_owner_is_reminded_in_their_language(make_article, agent_user, language, subject, line):
    agent_user.email = "owner@example.com"
    agent_user.language = language
    agent_user.save()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    article = make_article("VPN", state="published", review_date=yesterday.isoformat())
    assert reviews_remind() == 1
    outbox.dispatch_pending()
    (reminder,) = OutgoingMail.objects.filter(kind="article_review_due")
    assert reminder.subject == f"[{article.number}] {subject}"
    assert line in reminder.body
