"""One notification path: mail queued by consumers, sent after commit, once."""

import datetime as dt

import pytest
from django.core import mail as django_mail
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from steward.core import mail, outbox
from steward.core.models import OutgoingMail, Team
from steward.core.services import team_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queues_a_mail(monkeypatch):
    """A consumer of team.created that queues one mail to the team's address."""

    def consumer(event):
        team = Team.objects.get(pk=event.object_id)
        mail.queue(
            key=mail.event_key(event),
            kind="team_created",
            record=team,
            mails=[mail.Mail(recipient="ops@example.com", subject="New team", body="Hi\n")],
        )

    monkeypatch.setitem(outbox._consumers, "team.created", [consumer])
    return consumer


def test_mail_is_sent_after_the_dispatchers_transaction(admin_actor, queues_a_mail, monkeypatch):
    in_transaction = []
    real_send = EmailMessage.send

    def spy(self, *args, **kwargs):
        in_transaction.append(connection.in_atomic_block)
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", spy)
    team_create(admin_actor, name="Network")

    assert in_transaction == [False]
    assert [m.to for m in django_mail.outbox] == [["ops@example.com"]]
    row = OutgoingMail.objects.get()
    assert row.sent_at is not None
    assert row.record_type == "core.team"


def test_smtp_failure_leaves_the_mail_for_a_retry_and_a_retry_sends_once(
    admin_actor, queues_a_mail, monkeypatch, clock
):
    real_send = EmailMessage.send

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", down)
    team_create(admin_actor, name="Network")
    row = OutgoingMail.objects.get()
    assert row.sent_at is None
    assert row.claimed_at is None  # released, so a later sweep takes it
    assert "smtp down" in row.last_error
    assert row.attempts == 1
    assert row.next_attempt_at > clock.at  # after a backoff

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert mail.send_pending() == 0  # not before the backoff has passed
    clock.at = row.next_attempt_at
    assert mail.send_pending() == 1
    assert mail.send_pending() == 0  # a retry after success sends nothing
    outbox.dispatch_pending()
    assert [m.to for m in django_mail.outbox] == [["ops@example.com"]]
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 2


def test_a_redelivered_event_queues_nothing_new(admin_actor, queues_a_mail):
    team_create(admin_actor, name="Network")
    event = outbox.OutboxMessage.objects.get(topic="team.created")

    queues_a_mail(event)  # the worker died before marking the event dispatched
    outbox.dispatch_pending()

    assert OutgoingMail.objects.count() == 1
    assert len(django_mail.outbox) == 1


def test_a_fresh_claim_is_left_alone_and_an_expired_one_is_retried(admin_actor, monkeypatch):
    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    team = team_create(admin_actor, name="Network")
    mail.queue(
        key="event:1",
        kind="k",
        record=team,
        mails=[mail.Mail(recipient="a@example.com", subject="s", body="b")],
    )
    # another worker claimed it and is talking to SMTP right now
    OutgoingMail.objects.update(claimed_at=timezone.now())
    assert mail.send_pending() == 0
    assert django_mail.outbox == []

    # that worker was killed between claim and send: after the lease, the sweep sends it
    OutgoingMail.objects.update(claimed_at=timezone.now() - mail.CLAIM_LEASE - dt.timedelta(1))
    assert mail.send_pending() == 1
    assert [m.to for m in django_mail.outbox] == [["a@example.com"]]
