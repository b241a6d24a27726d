"""A worker stopped gracefully (SIGTERM: ``steward.core.stopping``) sends the mail in hand,
claims no more, and its threads give back the claims they still hold: a mail SMTP has not
accepted is free at once (not after CLAIM_LEASE), one it accepted is marked sent, never
released (that would send it twice). The real worker under SIGTERM: tests/faults."""

import datetime as dt

import pytest
from django.core.mail import EmailMessage

from steward.core import mail, outbox, stopping
from steward.core.models import OutboxMessage, OutgoingMail
from tests.core import test_mail_after_a_crash as crash
from tests.core.test_mail_after_a_crash import Killed, queue_backlog

wire, clock = crash.wire, crash.clock  # the SMTP stand-in and the hand-moved clock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stop():
    """The process's stop flag, cleared again after the test."""
    yield stopping.STOPPING
    stopping.STOPPING.clear()
    mail.release_held()


def test_a_stop_during_a_send_finishes_that_mail_and_claims_no_more(wire, stop, monkeypatch):
    ids = queue_backlog(10)
    send = EmailMessage.send

    def send_then_stop(message, *args, **kwargs):
        result = send(message)
        if len(wire) == 3:
            stop.set()  # SIGTERM while the 3rd mail is with SMTP
        return result

    monkeypatch.setattr(EmailMessage, "send", send_then_stop)
    assert mail.send_pending() == 3

    assert wire == ids[:3]
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 3
    assert not OutgoingMail.objects.filter(sent_at__isnull=True, claimed_at__isnull=False).exists()


def test_a_claim_not_yet_sent_is_given_back_at_once(wire, clock, stop):
    ids = queue_backlog(5)
    wire.kill = ("before", 2)  # the thread stops between the claim and SMTP
    with pytest.raises(Killed):
        mail.send_pending()
    assert OutgoingMail.objects.filter(sent_at__isnull=True, claimed_at__isnull=False).count() == 1

    assert mail.release_held() == 1

    assert not OutgoingMail.objects.filter(claimed_at__isnull=False, sent_at__isnull=True).exists()
    mail.send_pending()  # the next worker, at once: no lease to wait out
    assert sorted(wire) == sorted(ids)
    assert len(wire) == len(set(wire))


def test_a_mail_smtp_accepted_is_marked_sent_not_released(wire, clock, stop, monkeypatch):
    ids = queue_backlog(5)
    mark = mail._mark_sent

    def mark_fails_once(pk):
        monkeypatch.setattr(mail, "_mark_sent", mark)
        raise Killed  # SMTP accepted the mail; marking it failed (the database went away)

    monkeypatch.setattr(mail, "_mark_sent", mark_fails_once)
    with pytest.raises(Killed):
        mail.send_pending()
    assert wire == ids[:1]

    assert mail.release_held() == 0

    accepted = OutgoingMail.objects.get(message_id=ids[0])
    assert accepted.sent_at is not None
    mail.send_pending()
    clock.at += mail.CLAIM_LEASE + dt.timedelta(seconds=1)
    mail.send_pending()
    assert sorted(wire) == sorted(ids)
    assert len(wire) == len(set(wire))  # not even after the lease: nothing left claimed


def test_a_claim_taken_over_by_another_worker_is_not_released(wire, clock, stop):
    ids = queue_backlog(3)
    wire.kill = ("before", 1)
    with pytest.raises(Killed):
        mail.send_pending()
    # our claim expired; another worker claimed the mail and is sending it
    clock.at += mail.CLAIM_LEASE + dt.timedelta(seconds=1)
    OutgoingMail.objects.filter(message_id=ids[0]).update(claimed_at=clock.at)

    assert mail.release_held() == 0
    assert OutgoingMail.objects.get(message_id=ids[0]).claimed_at is not None


def test_a_stopping_worker_dispatches_no_new_batch(wire, stop, monkeypatch):
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)
    queue_backlog(1)
    events = [outbox.emit("test.nobody", OutgoingMail.objects.first()) for _ in range(3)]
    stop.set()

    assert outbox.dispatch_pending() == 0

    assert (
        OutboxMessage.objects.filter(pk__in=[e.pk for e in events], dispatched_at=None).count() == 3
    )
    assert wire == []
