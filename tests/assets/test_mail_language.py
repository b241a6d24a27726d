"""The asset reminders are written in each reader's language (decision 0026): a German team
member reads the contract's reminder in German, an English one in English; a German holder
reads the overdue loan's in German while the owner team's own address (no one's profile)
reads the site's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.assets import services
from steward.core import outbox
from steward.core.models import OutgoingMail
from tests import factories
from tests.assets.test_loans import lend
from tests.assets.test_reminders import TODAY, contract

pytestmark = pytest.mark.django_db


def mails(kind: str) -> dict[str, OutgoingMail]:
    return {m.recipient: m for m in OutgoingMail.objects.filter(kind=kind)}


def test_a_contract_reminder_reads_each_member_language(system):
    team = factories.TeamFactory(email="")
    team.members.set(
        [
            factories.agent(username="dora", email="dora@example.com", language="de"),
            factories.agent(username="evan", email="evan@example.com", language="en"),
        ]
    )
    c = contract(system, 30, team=team)
    services.contract_reminders_send(system, today=TODAY)
    outbox.dispatch_pending()
    sent = mails("contract_expiring")
    german, english = sent["dora@example.com"], sent["evan@example.com"]
    assert german.subject == f"[{c.number}] Support 30 endet in 30 Tagen"
    assert f"Vertrag {c.number} (Support) mit HPE endet am {c.end_date.isoformat()}" in german.body
    assert " contract " not in german.body
    assert english.subject == f"[{c.number}] Support 30 ends in 30 days"
    assert f"Support contract {c.number} with HPE ends on" in english.body


def test_an_overdue_loan_reads_the_holder_language(system, make_asset):
    holder = factories.agent(username="grete", email="grete@example.com", language="de")
    team = factories.TeamFactory(email="lager@example.com")
    asset = make_asset()
    lend(system, asset, holder, due_in_days=-3, team=team)
    services.loan_reminders_send(system, today=timezone.localdate())
    outbox.dispatch_pending()
    sent = mails("loan_overdue")
    due = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    german, team_mail = sent["grete@example.com"], sent["lager@example.com"]
    assert (
        german.subject
        == f"[{asset.number}] {asset.model} hätte am {due} zurückgegeben werden sollen"
    )
    assert "Bitte geben Sie es zurück" in german.body
    assert "Please return it" not in german.body
    assert team_mail.subject == f"[{asset.number}] {asset.model} was due back on {due}"
    assert "Please return it, or ask the asset managers to extend the loan." in team_mail.body
