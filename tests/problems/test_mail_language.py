"""A fixed problem tells each caller in their own language (decision 0026): the German
caller reads German, the English one English, whatever the agent who fixed it reads."""

from __future__ import annotations

import pytest
from django.core import mail

from steward.core import outbox
from steward.problems.services import problem_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_caller_is_told_in_their_language(agent_actor, investigated):
    agent_actor.user.language = "de"
    agent_actor.user.save(update_fields=["language"])
    greta = factories.requester(username="greta", email="greta@example.com", language="de")
    carol = factories.requester(username="carol", email="carol@example.com", language="en")
    problem = investigated([("Drucker", greta), ("Printer", carol)])
    problem_update(
        agent_actor,
        number=problem.number,
        expected_version=None,
        changes={
            "status": "resolved",
            "root_cause": "Bad default",
            "resolution_notes": "Fixed it.",
            "notify_callers": True,
        },
    )
    outbox.dispatch_pending()
    (german,) = [m for m in mail.outbox if m.to == ["greta@example.com"]]
    (english,) = [m for m in mail.outbox if m.to == ["carol@example.com"]]
    assert german.subject == f"[{problem.number}] Behoben: VPN tunnel drops"
    assert "Was getan wurde:" in german.body
    assert "incident" not in german.body
    assert english.subject == f"[{problem.number}] Fixed: VPN tunnel drops"
    assert "The underlying problem behind your incident has been resolved:" in english.body
