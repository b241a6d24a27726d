"""The administrator's list pages, the mailbox pages and the pickers' suggestions read a
constant number of queries however many rows they show (tests/query_counts.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from steward.changes.models import ChangeTemplate, Delegation, FreezeWindow
from steward.core.actor import Actor
from steward.incidents.models import Category, EscalationRule
from steward.incidents.services import incident_create
from steward.mailboxes.models import InboundMessage, Mailbox
from tests import factories
from tests.query_counts import counter, grows
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

n = counter()


def _user() -> None:
    """A person in an organisation and a team of their own (a row on both lists)."""
    person = factories.agent(username=f"person{n()}", organisation=factories.OrganisationFactory())
    factories.TeamFactory(name=f"Team {n()}", lead=person, members=[person])


def _category() -> None:
    team = factories.TeamFactory(name=f"Routing {n()}")
    top = Category.objects.create(name=f"Top {n()}", slug=f"top-{n()}", default_team=team)
    Category.objects.create(name=f"Sub {n()}", slug=f"sub-{n()}", parent=top, default_team=team)


def _rule() -> None:
    team = factories.TeamFactory(name=f"Escalate {n()}")
    EscalationRule.objects.create(
        name=f"Rule {n()}", threshold="breach", action="reassign", team=team, priorities=[1]
    )


def _delegation() -> None:
    today = timezone.localdate()
    Delegation.objects.create(
        user=factories.agent(username=f"away{n()}"),
        delegate=factories.agent(username=f"instead{n()}"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
    )


def _template() -> None:
    ChangeTemplate.objects.create(name=f"Template {n()}", slug=f"template-{n()}")


def _freeze() -> None:
    from steward.cmdb.services import ci_create

    ci = ci_create(Actor.system("tests"), ci_class="business_service", name=f"Service {n()}")
    now = timezone.now()
    FreezeWindow.objects.create(
        name=f"Freeze {n()}",
        slug=f"freeze-{n()}",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=2),
        ci=ci,
    )


def _mailbox() -> None:
    team = factories.TeamFactory(name=f"Mail team {n()}")
    box = Mailbox.objects.create(
        name=f"Box {n()}",
        slug=f"box-{n()}",
        address=f"box{n()}@example.com",
        kind="imap",
        team=team,
    )
    InboundMessage.objects.create(
        mailbox=box,
        message_id=f"<{n()}@example.com>",
        sender="a@example.com",
        subject="Hi",
        raw=b"x",
        caller=factories.requester(username=f"mailer{n()}"),
    )


PAGES = {
    "users": (_user, "core:user_list"),
    "teams": (_user, "core:team_list"),
    "categories": (_category, "incidents:category_list"),
    "escalation rules": (_rule, "incidents:escalation_list"),
    "team assignment": (_rule, "incidents:team_assignment"),
    "delegations": (_delegation, "changes:delegation_list"),
    "change templates": (_template, "changes:template_list"),
    "freeze windows": (_freeze, "changes:freezes"),
    "mailboxes": (_mailbox, "mailboxes:list"),
    "received mail": (_mailbox, "mailboxes:messages"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_an_admin_list_reads_the_same_queries_for_more_rows(page, admin_user):
    add, name = PAGES[page]
    client = signed_in(admin_user)

    few, many = grows(add, lambda: client.get(reverse(name)))

    assert many == few, f"{page}: {few} queries with a few rows, {many} with more"


def _incident() -> None:
    caller = factories.requester(username=f"caller{n()}", first_name="Pat")
    incident_create(Actor.system("tests"), title=f"Printer jam {n()}", caller=caller.username)


@pytest.mark.parametrize(
    ("kind", "add", "q"),
    [
        ("person", lambda: factories.agent(username=f"pat{n()}", first_name="Pat"), "pat"),
        ("incident", _incident, "printer"),
        ("team", lambda: factories.TeamFactory(name=f"Printers {n()}"), "printers"),
        ("ci", _freeze, "service"),
    ],
)
def test_picker_suggestions_read_the_same_queries_for_more_matches(kind, add, q, admin_user):
    client = signed_in(admin_user)

    few, many = grows(add, lambda: client.get(f"/pick/{kind}/", {"q": q}))

    assert many == few
