"""A worker killed anywhere in a mail backlog mails nobody twice, except in the one instant
SMTP cannot close: after the server accepted a mail and before its row is marked sent
(docs/security.md, "Delivery guarantees"). Kills are simulated by a BaseException, which
nothing in the send loop catches, raised at the named point."""

import datetime as dt
from collections import Counter

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from steward.core import mail, outbox
from steward.core.models import OutboxMessage, OutgoingMail
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

BACKLOG = 20
KILLED_AT = 7  # the 7th mail of the backlog


class Killed(BaseException):
    """The worker's process dies here (SIGKILL): no except clause runs."""


class Clock:
    """The mail module's clock, moved by hand."""

    def __init__(self) -> None:
        self.at = timezone.now()

    def now(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(mail, "timezone", clock)
    return clock


@pytest.fixture
def wire(monkeypatch):
    """The SMTP server: the Message-IDs it accepted, in order; ``kill`` names a point."""

    class Wire(list):
        kill: tuple[str, int] | None = None  # ("before" | "after", nth send)
        sends = 0

        def duplicates(self) -> list[str]:
            return sorted(m for m, n in Counter(self).items() if n > 1)

    wire = Wire()

    def send(message, *args, **kwargs):
        wire.sends += 1
        if wire.kill == ("before", wire.sends):
            wire.kill = None
            raise Killed
        wire.append(message.extra_headers["Message-ID"])
        if wire.kill == ("after", wire.sends):
            wire.kill = None
            raise Killed
        return 1

    monkeypatch.setattr(EmailMessage, "send", send)
    return wire


def queue_backlog(n: int = BACKLOG) -> list[str]:
    team = factories.TeamFactory()
    ids = [f"<event-{i}@steward.test>" for i in range(n)]
    for i, message_id in enumerate(ids):
        mail.queue(
            key=f"event:{i}",
            kind="test",
            record=team,
            mails=[
                mail.Mail(
                    recipient="ops@example.com",
                    subject=f"Mail {i}",
                    body="Hi\n",
                    headers={"Message-ID": message_id},
                )
            ],
        )
    return ids


def test_killed_after_smtp_accepted_a_mail_only_that_mail_goes_again_after_the_lease(wire, clock):
    ids = queue_backlog()
    wire.kill = ("after", KILLED_AT)

    with pytest.raises(Killed):
        mail.send_pending()
    mail.send_pending()  # the restarted worker, at once

    assert wire.duplicates() == []
    assert sorted(wire) == sorted(ids)
    clock.at += mail.CLAIM_LEASE + dt.timedelta(seconds=1)
    mail.send_pending()  # after the lease: the one mail in the window goes again

    assert wire.duplicates() == [ids[KILLED_AT - 1]]
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0


def test_killed_between_claim_and_smtp_the_mail_goes_once_after_the_lease(wire, clock):
    ids = queue_backlog()
    wire.kill = ("before", KILLED_AT)

    with pytest.raises(Killed):
        mail.send_pending()
    mail.send_pending()
    clock.at += mail.CLAIM_LEASE + dt.timedelta(seconds=1)
    mail.send_pending()

    assert wire.duplicates() == []
    assert sorted(wire) == sorted(ids)


def test_a_mail_claimed_late_in_a_slow_run_is_not_taken_by_a_second_worker(
    wire, clock, monkeypatch
):
    """Each send takes four minutes: the 4th mail is claimed 12 minutes after the run began.
    A second worker starting then must not see that claim as expired."""
    ids = queue_backlog(6)
    send = EmailMessage.send
    second_worker_ran = []

    def slow_send(message, *args, **kwargs):
        clock.at += dt.timedelta(minutes=4)
        result = send(message)
        if len(wire) == 3 and not second_worker_ran:
            second_worker_ran.append(True)
            clock.at += dt.timedelta(seconds=1)
            monkeypatch.setattr(EmailMessage, "send", send)  # the second worker's SMTP is fast
            mail.send_pending()
            monkeypatch.setattr(EmailMessage, "send", slow_send)
        return result

    monkeypatch.setattr(EmailMessage, "send", slow_send)
    mail.send_pending()

    assert second_worker_ran
    assert wire.duplicates() == []
    assert sorted(wire) == sorted(ids)


def test_an_smtp_call_gives_up_before_its_claim_expires():
    assert settings.EMAIL_TIMEOUT is not None
    assert dt.timedelta(seconds=settings.EMAIL_TIMEOUT) < mail.CLAIM_LEASE / 2


def test_killed_mid_dispatch_of_a_backlog_every_event_is_mailed_once(wire, monkeypatch):
    team = factories.TeamFactory()
    dispatched = []

    def consumer(event):
        dispatched.append(event.pk)
        if len(dispatched) == KILLED_AT:
            raise Killed  # inside the batch's transaction: it rolls back, queued mail too
        mail.queue(
            key=mail.event_key(event),
            kind="test",
            record=team,
            mails=[
                mail.Mail(
                    recipient="ops@example.com",
                    subject="x",
                    body="x",
                    headers={"Message-ID": f"<event-{event.pk}@steward.test>"},
                )
            ],
        )

    monkeypatch.setitem(outbox._consumers, "test.backlog", [consumer])
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)  # the backlog waits for us
    for _ in range(BACKLOG):
        outbox.emit("test.backlog", team)

    with pytest.raises(Killed):
        outbox.dispatch_pending(batch=5)  # batches 1 (5 events) committed; 2 killed
    outbox.dispatch_pending(batch=5)  # the restarted worker

    assert wire.duplicates() == []
    assert len(wire) == BACKLOG
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
