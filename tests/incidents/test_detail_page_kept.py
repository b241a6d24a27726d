"""The incident page with decision 0089's cuts (the fresh forms' fixed parts kept by
``{% kept %}``, the pickers' and notes' wrapping kept around their widget, the opening mail's
lookup compiled) is the page its templates draw with the three off (``kept.KEEP``,
``fields.SHELL``, ``messages.COMPILED``), byte for byte (CSRF tokens masked, one "now"), for
an agent, a team lead, the caller and an administrator; incidents new, assigned, on hold,
resolved, closed, major and opened by mail, with replies, work notes, files and markup in
every text; in English, then German; kept parts carried from page to page as in a worker.
The switches (``switches``, tests/incidents/conftest.py) also turn decision 0098's cuts off."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.core.actor import Actor
from steward.core.services import attachment_add, team_create
from steward.incidents.services import incident_comment, incident_create, incident_update
from steward.incidents.views import work
from steward.mailboxes import selectors as mail_selectors
from steward.mailboxes.services import mail_ingest, mailbox_create
from steward.web import fields
from steward.web.templatetags import kept
from tests import factories
from tests.conftest import as_actor
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
TOKEN = re.compile(r"[A-Za-z0-9]{64}")
HOSTILE = '<script>alert("x")</script> Tom & Jerry\'s <b>bold</b>'


@pytest.fixture
def world(admin_actor, agent_user, always_on):
    lead = factories.agent(username="lead1", first_name="Lea", last_name="<Lead>")
    team = team_create(
        admin_actor, name='Desk <&> "One"', slug="desk", members=[agent_user.username, "lead1"]
    )
    team.lead = lead
    team.save(update_fields=["lead"])
    caller = factories.requester(
        username="caller1", first_name="Ann", last_name="<Lee>", email="alice@example.com"
    )
    agent = as_actor(agent_user)
    who = {"agent": agent_user, "lead": lead, "caller": caller, "admin": admin_actor.user}
    made = {}
    made["new"] = incident_create(SYSTEM, title=HOSTILE, caller=caller.username)
    made["assigned"] = incident_create(
        admin_actor, title="Printer " + HOSTILE, description=HOSTILE + "\n\ntwo",
        caller=caller.username, team="desk", assignee=agent_user.username,
    )  # fmt: skip
    made["major"] = incident_create(
        admin_actor, title="Outage", caller=caller.username, team="desk", is_major=True
    )
    held = incident_create(agent, title="Waiting", caller=caller.username, team="desk")
    incident_update(
        agent, number=held.number, expected_version=None,
        changes={"status": "on_hold", "on_hold_reason": "awaiting_caller"},
    )  # fmt: skip
    made["held"] = held
    for name in ("resolved", "closed"):
        record = incident_create(agent, title=name, caller=caller.username, team="desk")
        incident_update(
            agent, number=record.number, expected_version=None,
            changes={"status": "resolved", "resolution_code": "solved",
                     "resolution_notes": HOSTILE},
        )  # fmt: skip
        if name == "closed":
            incident_update(
                agent, number=record.number, expected_version=None, changes={"status": "closed"}
            )
        made[name] = record
    number = made["assigned"].number
    incident_comment(as_actor(caller), number=number, body="Still " + HOSTILE)
    incident_comment(agent, number=number, body="Note " + HOSTILE, internal=True)
    content = b"trace <b>\n"
    attachment_add(
        agent, target=f"incident/{number}", upload=io.BytesIO(content),
        filename="<trace>&.txt", size=len(content),
    )  # fmt: skip
    box = mailbox_create(SYSTEM, name="Desk", address="desk@example.com", kind="pipe", team="desk")
    message = mail_ingest(box, eml(subject="Screen " + HOSTILE, body="Black.\n" + HOSTILE))
    assert message.status == "created"
    made["mail"] = type("Mailed", (), {"number": message.record_number})
    return {"who": who, "numbers": {k: v.number for k, v in made.items()}}


def _page(user, number: str) -> str:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    response = client.get(f"/incidents/{number}/")
    assert response.status_code == 200, response.content[:300]
    return TOKEN.sub("TOKEN", response.content.decode())


def _pairs(world, language: str):  # noqa: ANN001, ANN202
    for who, user in world["who"].items():
        user.language = language
        user.save(update_fields=["language"])
        for which, number in world["numbers"].items():
            yield who, which, user, number


def test_every_page_is_the_page_its_templates_draw(world, switches, frozen):
    seen = 0
    for language in ("en", "de"):
        for who, which, user, number in _pairs(world, language):
            switches(True)
            cut = _page(user, number)
            switches(False)
            assert cut == _page(user, number), (language, who, which)
            switches(True)
            assert cut == _page(user, number), (language, who, which)  # now from what is kept
            seen += 1
    assert seen == 2 * 4 * 7
    german = _page(world["who"]["agent"], world["numbers"]["assigned"])
    assert "Antwort oder Arbeitsnotiz" in german  # the kept comment form, in German
    assert "&lt;script&gt;" in german
    assert "<script>alert" not in german


def test_the_cut_parts_are_kept_and_the_mail_link_shown(world, switches, frozen):
    agent = world["who"]["agent"]
    page = _page(agent, world["numbers"]["mail"])
    assert "(<a href=" in page  # the opening message's link, from the compiled lookup
    names = {key[0] for key in kept._kept}
    assert {"incident-comment-form", "upload-form"} <= names
    # the take form's errors are the template's: kept when it draws the "Work it" panel, not
    # when the panel is written in Python (decision 0117)
    assert ("incident-take-errors" in names) == (not work.WRITTEN)
    assert any(key[0] == "wrapping" for key in fields._kept)  # the pickers' and notes'


def test_the_opening_mail_is_found_the_same_both_ways(world, switches, agent_actor):
    for which, number in world["numbers"].items():
        compiled_answer = mail_selectors.opened_by_mail(
            agent_actor, record_type="incidents.incident", number=number
        )
        switches(False)
        assert compiled_answer == mail_selectors.opened_by_mail(
            agent_actor, record_type="incidents.incident", number=number
        )
        switches(True)
        assert compiled_answer is (which == "mail")


def test_statements_do_not_rise(world, switches, frozen):
    client = Client()
    client.force_login(world["who"]["agent"])
    counts = {}
    for on in (False, True):
        switches(on)
        for number in world["numbers"].values():
            client.get(f"/incidents/{number}/")  # warm
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/incidents/{number}/")
            counts[(on, number)] = len(queries)
    for number in world["numbers"].values():
        assert counts[(True, number)] <= counts[(False, number)], number
