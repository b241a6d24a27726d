"""Two deliveries of one message at the same moment (an MTA retrying while the first is
still running, or two workers polling) open one incident: the unique (mailbox, Message-ID)
makes the second wait for the first and then find its row."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest, mailbox_create
from tests import factories
from tests.mailboxes.conftest import SYSTEM, eml


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_message_delivered_twice_at_once_opens_one_incident():
    assert settings.IS_POSTGRES
    factories.requester(username="alice", email="alice@example.com")
    mailbox = mailbox_create(SYSTEM, name="Desk", address="desk@example.com", kind="pipe")
    raw = eml(message_id="<race@mail.example.com>")
    barrier = threading.Barrier(4)
    results: list[object] = []

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(mail_ingest(mailbox, raw).pk)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    (message,) = InboundMessage.objects.all()
    assert results == [message.pk] * 4
    assert message.status == "created"
    assert Incident.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_store_each_message_once():
    """Two workers polling one folder at the same moment (the lease bypassed: the worst case
    of a lease expiring mid-poll) both fetch every unseen message; each opens one incident."""
    from steward.mailboxes.services import mailbox_poll
    from tests.mailboxes.test_polling import FakeImap

    assert settings.IS_POSTGRES
    factories.requester(username="alice", email="alice@example.com")
    mailbox = mailbox_create(
        SYSTEM, name="IMAP", address="imap@example.com", kind="imap", imap_host="x"
    )
    raws = {str(n).encode(): eml(message_id=f"<poll{n}@mail.example.com>") for n in range(6)}
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def poll() -> None:
        try:
            server = FakeImap(raws)  # each worker its own connection to the same folder
            barrier.wait()
            mailbox_poll(mailbox, connect=lambda m: server)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert InboundMessage.objects.count() == 6
    assert Incident.objects.count() == 6
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"created"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_releases_of_one_held_message_at_once_open_one_incident_and_send_one_mail(
    settings, mailoutbox
):
    """An administrator's double click (or two of them) releasing one quarantined message
    (decision 0093): each waits for the message's row; the first processes it, the others
    answer it as it is. One incident, one acknowledgement, one release audited."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core.models import AuditEntry
    from steward.mailboxes.services import message_release
    from tests.conftest import as_actor
    from tests.mailboxes.test_authentication import MX

    assert settings.IS_POSTGRES
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MX]
    factories.requester(username="alice", email="alice@example.com")
    admin = factories.admin(username="root")
    mailbox = mailbox_create(SYSTEM, name="Desk", address="desk@example.com", kind="pipe")
    held = mail_ingest(mailbox, eml(headers={"Authentication-Results": f"{MX}; dmarc=fail"}))
    assert held.status == "quarantined"
    barrier = threading.Barrier(4)
    results: list[object] = []

    def release() -> None:
        try:
            barrier.wait()
            results.append(message_release(as_actor(admin), pk=held.pk).status)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert results == ["created"] * 4
    assert Incident.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    ct = ContentType.objects.get_for_model(InboundMessage)
    released = AuditEntry.objects.filter(content_type=ct, object_id=str(held.pk))
    assert [e.changes.get("released") is not None for e in released.order_by("pk")].count(True) == 1
