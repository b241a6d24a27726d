"""A request's mails are written in each recipient's language, not the one of the person
whose action sent them (docs/decisions/0026-translations.md): the German requester reads
German, her English manager English, whoever ordered or decided."""

from __future__ import annotations

import pytest

from steward.catalog.services import approval_decide
from steward.core import outbox
from steward.core.models import OutgoingMail
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def _mails(kind: str, to: str) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind=kind, recipient=to).order_by("pk"))


def test_the_german_requester_reads_german_and_her_english_manager_english(
    requester, manager, laptop, order
):
    requester.user.language = "de"
    requester.user.save(update_fields=["language"])
    manager.language = "en"
    manager.save(update_fields=["language"])
    request = order(laptop)
    outbox.dispatch_pending()
    (received,) = _mails("request_received", "rita@example.com")
    assert received.subject == f"[{request.number}] Ihre Anfrage für Item laptop ist eingegangen"
    assert f"Ihre Anfrage {request.number}" in received.body
    assert "your request" not in received.body
    (ask,) = _mails("request_approval", "manny@example.com")
    assert ask.subject == f"[{request.number}] Approval needed: Item laptop for {requester.user}"
    assert "Approve or reject it here:" in ask.body

    # the English manager's decision reaches the requester in her German
    approval = request.approvals.get()
    approval_decide(
        as_actor(manager), number=request.number, approval_id=approval.pk, decision="rejected"
    )
    outbox.dispatch_pending()
    (rejected,) = _mails("request_rejected", "rita@example.com")
    assert rejected.subject == f"[{request.number}] Ihre Anfrage wurde abgelehnt"


def test_an_english_requester_reads_english_whoever_ordered_for_her(requester, laptop, order):
    requester.user.language = "en"
    requester.user.save(update_fields=["language"])
    request = order(laptop)
    outbox.dispatch_pending()
    (received,) = _mails("request_received", "rita@example.com")
    assert received.subject == f"[{request.number}] We received your request for Item laptop"
    assert "It now waits for approval." in received.body
