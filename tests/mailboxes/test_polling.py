"""IMAP polling against a fake server object: unseen messages are fetched with BODY.PEEK,
stored, and only then marked seen; a failure leaves the rest unseen for the next poll."""

from __future__ import annotations

import datetime as dt
import imaplib

import pytest
from django.utils import timezone

from steward.core import leases
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import mailbox_create, mailboxes_poll_due
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db


class FakeImap:
    """The part of ``imaplib.IMAP4`` a poll uses, over a dict of uid -> (bytes, seen)."""

    def __init__(self, messages: dict[bytes, bytes], *, fail_on: bytes | None = None):
        self.messages = {uid: [raw, False] for uid, raw in messages.items()}
        self.fail_on = fail_on
        self.calls: list[tuple] = []
        self.logged_out = False

    def select(self, folder):
        self.calls.append(("select", folder))
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        self.calls.append((command, *args))
        if command == "SEARCH":
            unseen = [uid for uid, (_, seen) in self.messages.items() if not seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid, what = args
            assert what == "(BODY.PEEK[])"  # fetching must not mark the message seen
            if uid == self.fail_on:
                raise imaplib.IMAP4.abort("connection lost")
            raw = self.messages[uid][0]
            return "OK", [(uid + b" (UID " + uid + b" BODY[] {%d}" % len(raw), raw), b")"]
        if command == "STORE":
            uids, op, flags = args
            assert (op, flags) == ("+FLAGS", "(\\Seen)")
            for uid in uids.split(b","):
                self.messages[uid][1] = True
            return "OK", []
        raise AssertionError(command)

    def logout(self):
        self.logged_out = True
        return "BYE", []


@pytest.fixture
def imap_box(db, desk_team):
    return mailbox_create(
        SYSTEM,
        name="IMAP desk",
        address="imap-desk@example.com",
        kind="imap",
        imap_host="imap.example.com",
        imap_username="desk",
        imap_password="pw",
        team=desk_team.slug,
    )


def test_a_poll_stores_unseen_mail_and_marks_it_seen_after(imap_box, alice):
    server = FakeImap({b"1": eml(subject="one"), b"2": eml(subject="two")})

    done = mailboxes_poll_due(connect=lambda mailbox: server)

    assert done == {"imap-desk": 2}
    assert sorted(Incident.objects.values_list("title", flat=True)) == ["one", "two"]
    assert all(seen for _, seen in server.messages.values())
    stores = [c for c in server.calls if c[0] == "STORE"]
    fetches = [c for c in server.calls if c[0] == "FETCH"]
    assert [c[1] for c in fetches] == [b"1", b"2"]
    assert [c[1] for c in stores] == [b"1,2"]  # one STORE once the chunk has committed
    assert server.logged_out
    imap_box.refresh_from_db()
    assert imap_box.last_polled_at is not None
    assert imap_box.last_poll_error == ""


def test_a_lost_connection_leaves_the_rest_unseen_and_is_shown(imap_box, alice):
    server = FakeImap({b"1": eml(subject="one"), b"2": eml(subject="two")}, fail_on=b"2")

    mailboxes_poll_due(connect=lambda mailbox: server)

    assert server.messages[b"1"][1] is True
    assert server.messages[b"2"][1] is False
    assert Incident.objects.count() == 1
    imap_box.refresh_from_db()
    assert "connection lost" in imap_box.last_poll_error


def test_a_message_stored_but_not_marked_seen_is_not_processed_twice(imap_box, alice):
    raw = eml(subject="crash between store and mark")
    server = FakeImap({b"7": raw})
    mailboxes_poll_due(connect=lambda mailbox: server)
    server.messages[b"7"][1] = False  # as if the worker died before STORE
    Mailbox.objects.filter(pk=imap_box.pk).update(last_polled_at=None)

    mailboxes_poll_due(connect=lambda mailbox: server)

    assert Incident.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert server.messages[b"7"][1] is True


def test_a_quarantined_message_is_marked_seen_and_never_fetched_again(imap_box, alice):
    server = FakeImap({b"3": eml(sender="")})

    mailboxes_poll_due(connect=lambda mailbox: server)
    Mailbox.objects.filter(pk=imap_box.pk).update(last_polled_at=None)
    mailboxes_poll_due(connect=lambda mailbox: server)

    assert InboundMessage.objects.get().status == "quarantined"
    assert [c[1] for c in server.calls if c[0] == "FETCH"] == [b"3"]


def test_a_mailbox_is_polled_only_when_its_interval_has_passed(imap_box, alice):
    Mailbox.objects.filter(pk=imap_box.pk).update(last_polled_at=timezone.now())
    server = FakeImap({b"1": eml()})

    assert mailboxes_poll_due(connect=lambda mailbox: server) == {}
    assert server.calls == []
    Mailbox.objects.filter(pk=imap_box.pk).update(
        last_polled_at=timezone.now() - dt.timedelta(seconds=imap_box.poll_seconds)
    )
    assert mailboxes_poll_due(connect=lambda mailbox: server) == {"imap-desk": 1}


def test_a_mailbox_another_worker_is_polling_is_skipped(imap_box, alice):
    server = FakeImap({b"1": eml()})
    token = leases.acquire(f"mail-poll:{imap_box.pk}", dt.timedelta(minutes=5))

    assert mailboxes_poll_due(connect=lambda mailbox: server) == {}
    assert server.calls == []
    leases.release(f"mail-poll:{imap_box.pk}", token)


def test_pipe_and_inactive_mailboxes_are_not_polled(mailbox, imap_box, alice):
    Mailbox.objects.filter(pk=imap_box.pk).update(is_active=False)
    server = FakeImap({b"1": eml()})

    assert mailboxes_poll_due(connect=lambda m: server) == {}
    assert server.calls == []


def _interval_passes(box):
    """The mailbox's interval passes: it is due, and the last poll's lease has lapsed."""
    from steward.core.models import Lease

    Mailbox.objects.filter(pk=box.pk).update(last_polled_at=None)
    Lease.objects.filter(name=f"mail-poll:{box.pk}").update(locked_until=timezone.now())


def test_an_empty_poll_writes_once_and_its_lease_lapses_at_the_next_poll(imap_box, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.core.models import Lease

    server = FakeImap({})
    mailboxes_poll_due(connect=lambda mailbox: server)  # the first: outcome unchanged ("")
    _interval_passes(imap_box)

    with CaptureQueriesContext(connection) as queries:
        assert mailboxes_poll_due(connect=lambda mailbox: server) == {"imap-desk": 0}

    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"UPDATE", "INSERT", "DELETE"}]
    assert len(writes) == 2, writes  # the lease and the poll's time, one transaction
    lease = Lease.objects.get(name=f"mail-poll:{imap_box.pk}")
    imap_box.refresh_from_db()
    # held until the next poll is due, no longer: the next poll takes it then
    held_for = (lease.locked_until - imap_box.last_polled_at).total_seconds()
    assert abs(held_for - imap_box.poll_seconds) < 1
    Mailbox.objects.filter(pk=imap_box.pk).update(
        last_polled_at=timezone.now() - dt.timedelta(seconds=imap_box.poll_seconds)
    )
    Lease.objects.filter(pk=lease.pk).update(locked_until=timezone.now())
    server.messages[b"9"] = [eml(subject="late"), False]
    assert mailboxes_poll_due(connect=lambda mailbox: server) == {"imap-desk": 1}
    assert not Lease.objects.filter(name=f"mail-poll:{imap_box.pk}").exists()  # released


def test_a_changed_outcome_is_written_even_when_nothing_came(imap_box, alice):
    server = FakeImap({})
    Mailbox.objects.filter(pk=imap_box.pk).update(last_poll_error="No answer before")

    mailboxes_poll_due(connect=lambda mailbox: server)

    imap_box.refresh_from_db()
    assert imap_box.last_poll_error == ""


def test_a_working_poll_renews_its_lease_once_per_interval_not_per_message(
    imap_box, alice, monkeypatch
):
    """Each renewal is a commit of its own (a disk sync on SQLite); a poll renews before
    its first fetch and then every RENEW_EVERY seconds, well inside the lease."""
    from steward.mailboxes.services import polling

    renewals: list[str] = []
    real_renew = leases.renew
    monkeypatch.setattr(leases, "renew", lambda *a: (renewals.append(a[0]), real_renew(*a)))
    clock = [1000.0]
    monkeypatch.setattr(polling.time, "monotonic", lambda: clock[0])
    assert polling.LEASE.total_seconds() > 2 * polling.RENEW_EVERY
    server = FakeImap({str(n).encode(): eml(subject=f"m{n}") for n in range(1, 8)})
    fetch = server.uid

    def slow_fetch(command, *args):
        if command == "FETCH" and args[0] == b"5":  # the poll has worked for a while
            clock[0] += polling.RENEW_EVERY
        return fetch(command, *args)

    server.uid = slow_fetch

    assert mailboxes_poll_due(connect=lambda mailbox: server) == {"imap-desk": 7}
    assert renewals == [f"mail-poll:{imap_box.pk}"] * 2  # the first fetch, then after 5
    assert InboundMessage.objects.count() == 7
