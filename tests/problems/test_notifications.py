"""Resolving or closing a problem can tell the linked incidents' callers, once each."""

from __future__ import annotations

import pytest
from django.core import mail

from steward.core import outbox
from steward.core.models import OutboxMessage, OutgoingMail
from steward.problems.models import Problem
from steward.problems.services import problem_update
from tests import factories

RESOLVE = {"status": "resolved", "root_cause": "Bad default", "resolution_notes": "Fixed it."}


@pytest.fixture
def linked(investigated):
    """A problem under investigation with three incidents from two callers and an opt-out."""
    carol = factories.requester(username="carol", email="carol@example.com")
    dave = factories.requester(username="dave", email="dave@example.com")
    quiet = factories.requester(username="quiet", email="quiet@example.com")
    quiet.email_notifications = False
    quiet.save()
    return investigated(
        [
            (f"VPN {title}", caller)
            for title, caller in (("A", carol), ("B", carol), ("C", dave), ("D", quiet))
        ]
    )


def _to(address):
    return [m for m in mail.outbox if address in m.to]


def test_resolving_with_notify_tells_each_caller_once(agent_actor, linked):
    problem_update(
        agent_actor,
        number=linked.number,
        expected_version=None,
        changes={**RESOLVE, "notify_callers": True},
    )
    outbox.dispatch_pending()
    OutboxMessage.objects.filter(topic="problem.fixed").update(dispatched_at=None)
    outbox.dispatch_pending()  # at-least-once: a second dispatch sends nothing more

    assert sorted(m.to[0] for m in mail.outbox) == ["carol@example.com", "dave@example.com"]
    (to_carol,) = _to("carol@example.com")
    assert to_carol.subject == f"[{linked.number}] Fixed: VPN tunnel drops"
    assert "VPN A" in to_carol.body
    assert "VPN B" in to_carol.body
    assert "Fixed it." in to_carol.body
    assert _to("quiet@example.com") == []  # opted out


def test_closing_after_a_notified_resolve_does_not_tell_them_again(agent_actor, linked):
    problem_update(
        agent_actor,
        number=linked.number,
        expected_version=None,
        changes={**RESOLVE, "notify_callers": True},
    )
    problem_update(
        agent_actor,
        number=linked.number,
        expected_version=None,
        changes={"status": "closed", "notify_callers": True},
    )
    outbox.dispatch_pending()

    assert len(_to("carol@example.com")) == 1
    assert OutgoingMail.objects.filter(record_id=str(linked.pk), kind="problem_fixed").count() == 2


def test_without_the_option_nobody_is_told(agent_actor, linked):
    problem_update(agent_actor, number=linked.number, expected_version=None, changes=RESOLVE)
    problem_update(
        agent_actor, number=linked.number, expected_version=None, changes={"status": "closed"}
    )
    outbox.dispatch_pending()

    assert mail.outbox == []
    assert Problem.objects.get(pk=linked.pk).status == "closed"
