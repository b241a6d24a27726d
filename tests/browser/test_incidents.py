"""The service desk's daily move in a real browser: take, note, resolve; the caller hears."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from steward.core.services import team_create
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.browser.test_shell import sign_in
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_takes_notes_and_resolves_and_the_caller_gets_mail(page):
    agent = factories.agent(username="sam", first_name="Sam", last_name="Desk")
    admin = factories.admin(username="boss")
    team_create(as_actor(admin), name="Service Desk", slug="desk", members=["sam"])
    caller = factories.requester(username="carol", email="carol@example.com")
    incident = incident_create(as_actor(caller), title="Projector in room 4 shows no image")
    mail.outbox.clear()

    sign_in(page, "sam", path="/incidents/?queue=unassigned")
    row = page.get_by_role("row").filter(has_text="Projector in room 4")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Take").click()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))
    expect(page.locator(".status")).to_have_text("In progress")
    page.get_by_label("Reply or work note").fill("HDMI cable was loose; **reseated** it.")
    page.get_by_label("Internal work note (not shown to the caller)").check()
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".timeline li.note")).to_contain_text("reseated")

    page.get_by_label("Resolution code").select_option("solved")
    page.get_by_label("Resolution notes").fill("Cable reseated, image is back.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".status")).to_have_text("Resolved")

    incident.refresh_from_db()
    assert (incident.status, incident.assignee, incident.resolution_code) == (
        "resolved",
        agent,
        "solved",
    )
    to_caller = [m for m in mail.outbox if "carol@example.com" in m.to]
    assert [m.subject for m in to_caller] == [
        f"[{incident.number}] Resolved: Projector in room 4 shows no image"
    ]
    assert "HDMI" not in to_caller[0].body  # the work note stays internal
    assert Incident.objects.get(pk=incident.pk).first_response_at is not None
