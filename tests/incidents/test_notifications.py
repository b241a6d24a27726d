"""Notification emails, received by a real SMTP server started by the test."""

import email
import email.header
import socket

import pytest
from aiosmtpd.controller import Controller

from steward.core import outbox
from steward.core.models import OutgoingMail
from steward.incidents.services import incident_comment, incident_create, incident_update
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def subject(message) -> str:
    """The subject as the reader sees it (non-ASCII subjects travel encoded)."""
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def by_recipient(inbox, address):
    return [m for to, m in inbox.messages if address in to]


def test_assignment_reply_and_resolution_mails_thread_on_the_incident(smtp, agent_actor, desk):
    caller = factories.requester(email="caller@example.com")
    agent_actor.user.email = "agent1@example.com"
    agent_actor.user.save()
    dispatcher = as_actor(factories.admin(username="dispatcher"))
    incident = incident_create(
        dispatcher, title="Cannot print", caller=caller.username, team="desk", assignee="agent1"
    )
    incident_comment(agent_actor, number=incident.number, body="Which printer?")
    incident_comment(agent_actor, number=incident.number, body="internal only", internal=True)
    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={
            "status": "resolved",
            "resolution_code": "solved",
            "resolution_notes": "Driver reset.",
        },
    )

    [assigned] = by_recipient(smtp, "agent1@example.com")
    assert assigned["Subject"] == f"[{incident.number}] Assigned to you: Cannot print"
    to_caller = by_recipient(smtp, "caller@example.com")
    assert [m["Subject"] for m in to_caller] == [
        f"[{incident.number}] New reply: Cannot print",
        f"[{incident.number}] Resolved: Cannot print",
        f"[{incident.number}] How did we do with {incident.number}?",  # docs/surveys.md
    ]
    for message in (assigned, *to_caller[:2]):
        assert message["References"] == f"<{incident.number}@steward.local>"
        assert message["In-Reply-To"] == f"<{incident.number}@steward.local>"
        assert message["Message-ID"].startswith(f"<{incident.number}.")
    assert "internal only" not in str(to_caller[0])
    assert f"/incidents/{incident.number}/" in to_caller[1].get_payload()


def test_opted_out_users_get_nothing(smtp, agent_actor):
    caller = factories.requester(email="quiet@example.com", email_notifications=False)
    incident = incident_create(agent_actor, title="x", caller=caller.username)
    incident_comment(agent_actor, number=incident.number, body="hello")
    assert by_recipient(smtp, "quiet@example.com") == []


def test_a_redelivered_event_sends_once(smtp, agent_actor, desk):
    agent_actor.user.email = "agent1@example.com"
    agent_actor.user.save()
    dispatcher = as_actor(factories.admin(username="dispatcher"))
    incident_create(dispatcher, title="x", team="desk", assignee="agent1")
    from steward.core.models import OutboxMessage

    event = OutboxMessage.objects.get(topic="incident.assigned")
    for fn in outbox._consumers["incident.assigned"]:
        fn(event)  # the worker died before marking it dispatched, and runs it again
    assert len(by_recipient(smtp, "agent1@example.com")) == 1
    assert OutgoingMail.objects.count() == 1


def test_major_incident_goes_to_the_notification_list(smtp, agent_actor):
    from steward.incidents.models import IncidentSettings

    IncidentSettings.objects.update_or_create(
        pk=1, defaults={"major_incident_emails": "cio@example.com\nnoc@example.com"}
    )
    incident_create(agent_actor, title="Datacentre power loss", is_major=True, impact=1, urgency=1)
    assert len(by_recipient(smtp, "cio@example.com")) == 1
    assert by_recipient(smtp, "noc@example.com")[0]["Subject"].endswith(
        "MAJOR INCIDENT: Datacentre power loss"
    )
    assert as_actor(agent_actor.user).is_agent


def test_an_agent_who_takes_an_incident_is_not_mailed_about_it(smtp, agent_actor, desk):
    from steward.incidents.services import incident_take

    agent_actor.user.email = "agent1@example.com"
    agent_actor.user.save()
    incident = incident_create(agent_actor, title="Printer jam", team="desk")
    incident_take(agent_actor, number=incident.number)
    incident_create(agent_actor, title="Own work", team="desk", assignee="agent1")

    def assigned_to_me():
        return [
            m for m in by_recipient(smtp, "agent1@example.com") if "Assigned to you" in m["Subject"]
        ]

    assert assigned_to_me() == []
    colleague = as_actor(factories.admin(username="dispatcher"))
    incident_update(
        colleague, number=incident.number, expected_version=None, changes={"assignee": None}
    )
    incident_update(
        colleague, number=incident.number, expected_version=None, changes={"assignee": "agent1"}
    )
    [assigned] = assigned_to_me()
    assert assigned["Subject"] == f"[{incident.number}] Assigned to you: Printer jam"


def test_a_major_incident_mail_names_the_service_only_to_who_may_see_it(smtp, admin_actor):
    """The administrator's list is told the affected service; a team lead limited to another
    organisation gets the same mail with the service left out (it would name a CI they may
    not see)."""
    from steward.cmdb.services import ci_create
    from steward.core.actor import Actor
    from steward.incidents.models import IncidentSettings

    org_x = factories.OrganisationFactory(name="Org X", slug="org-x")
    factories.OrganisationFactory(name="Org Y", slug="org-y")  # the CI's; the lead's is X
    lead = factories.agent(username="x-lead", organisation=org_x, email="lead@example.com")
    lead.served_organisations.set([org_x])
    team = factories.TeamFactory(slug="x-team", lead=lead, organisation=org_x)
    team.members.add(lead)
    hidden = ci_create(
        Actor.system("tests"), name="y-payroll", ci_class="business_service", organisation="org-y"
    )
    IncidentSettings.objects.update_or_create(
        pk=1, defaults={"major_incident_emails": "cio@example.com"}
    )
    incident_create(
        admin_actor,
        title="Payroll down",
        is_major=True,
        impact=1,
        urgency=1,
        team=team.slug,
        affected_service=hidden.number,
    )
    told_cio = by_recipient(smtp, "cio@example.com")[0].get_payload(decode=True).decode()
    told_lead = by_recipient(smtp, "lead@example.com")[0].get_payload(decode=True).decode()
    assert "y-payroll" in told_cio
    assert "y-payroll" not in told_lead
    assert "Service: -" in told_lead


def test_each_mail_is_written_in_its_recipients_language_not_the_senders(smtp, agent_actor, desk):
    """Greta reads Steward in German, the agent in English; the dispatcher who assigns
    and the agent who replies write in the other language from the one they mail."""
    caller = factories.requester(username="greta", email="greta@example.com", language="de")
    agent_actor.user.email = "agent1@example.com"
    agent_actor.user.save()
    dispatcher = as_actor(factories.admin(username="disponentin", language="de"))
    incident = incident_create(
        dispatcher, title="Drucker", caller=caller.username, team="desk", assignee="agent1"
    )
    incident_comment(agent_actor, number=incident.number, body="Welcher Drucker?")
    incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={"status": "resolved", "resolution_code": "solved", "resolution_notes": "Neu"},
    )

    [assigned] = by_recipient(smtp, "agent1@example.com")
    assert assigned["Subject"] == f"[{incident.number}] Assigned to you: Drucker"
    assert "is now assigned to you." in assigned.get_payload()
    reply, resolved, survey = by_recipient(smtp, "greta@example.com")
    assert subject(survey) == f"[{incident.number}] Wie zufrieden sind Sie mit {incident.number}?"
    assert subject(reply) == f"[{incident.number}] Neue Antwort: Drucker"
    assert subject(resolved) == f"[{incident.number}] Gelöst: Drucker"
    body = resolved.get_payload(decode=True).decode()
    assert f"Ihre Störung {incident.number} wurde gelöst." in body
    assert "Lösung: Gelöst (dauerhaft)" in body
    assert "Resolved" not in body
