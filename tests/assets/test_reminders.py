"""Contract expiry reminders: 90, 30 and 7 days before the end, each exactly once, to the
owner team, through the outbox."""

import datetime as dt
import threading

import pytest

from steward.assets import services
from steward.assets.models import ContractReminder
from steward.assets.tasks import send_contract_reminders
from steward.core import outbox
from steward.core.models import OutboxMessage, OutgoingMail
from tests import factories

TODAY = dt.date(2026, 6, 1)


def contract(system, days, team=None):
    return services.contract_create(
        system,
        title=f"Support {days}",
        vendor="HPE",
        kind="support",
        start_date="2024-01-01",
        end_date=TODAY + dt.timedelta(days=days),
        owner_team=team.slug if team else None,
    )


def events():
    return sorted(
        (e.payload["number"], e.payload["days"])
        for e in OutboxMessage.objects.filter(topic="contract.expiring")
    )


@pytest.mark.django_db
def test_each_threshold_is_sent_once(system):
    c = contract(system, 90)
    assert services.contract_reminders_send(system, today=TODAY) == 1
    assert services.contract_reminders_send(system, today=TODAY) == 0  # a retry
    later = TODAY + dt.timedelta(days=60)
    assert services.contract_reminders_send(system, today=later) == 1  # the 30-day one
    assert services.contract_reminders_send(system, today=later + dt.timedelta(days=23)) == 1
    assert services.contract_reminders_send(system, today=later + dt.timedelta(days=29)) == 0
    assert events() == [(c.number, 7), (c.number, 30), (c.number, 90)]


@pytest.mark.django_db
def test_a_contract_found_late_gets_only_the_nearest_reminder(system):
    c = contract(system, 5)
    far = contract(system, 200)
    services.contract_reminders_send(system, today=TODAY)
    assert events() == [(c.number, 7)]
    assert not ContractReminder.objects.filter(contract=far).exists()


@pytest.mark.django_db
def test_the_owner_team_is_mailed_once(system):
    team = factories.TeamFactory(email="")
    team.members.set(
        [factories.agent(email="a@example.com"), factories.agent(email="b@example.com")]
    )
    contract(system, 30, team=team)
    services.contract_reminders_send(system, today=TODAY)
    services.contract_reminders_send(system, today=TODAY)
    outbox.dispatch_pending()
    OutboxMessage.objects.filter(topic="contract.expiring").update(dispatched_at=None)
    outbox.dispatch_pending()  # at-least-once delivery: a redelivery mails nobody again
    mails = OutgoingMail.objects.filter(kind="contract_expiring")
    assert sorted(m.recipient for m in mails) == ["a@example.com", "b@example.com"]


@pytest.mark.django_db
def test_the_worker_task_runs_the_service(system, monkeypatch):
    contract(system, 7)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    send_contract_reminders()
    send_contract_reminders()
    assert len(events()) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reminder(system):
    """Two threads (own connections) race for the same reminders: the unique row lets
    exactly one of them emit each event."""
    contract(system, 30)
    barrier = threading.Barrier(2)
    results = []

    def run():
        from django.db import connection as own

        try:
            barrier.wait()
            results.append(services.contract_reminders_send(system, today=TODAY))
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert len(events()) == 1
