"""IMAP polling against a real IMAP server over its sockets: Debian's Dovecot, started by the
fixture below (``tests/mailboxes/dovecot.py`` says why Dovecot and how it is configured).

A poll fetches new messages and marks them seen, so the next poll fetches nothing; a folder
other than INBOX is read alone; implicit TLS checks the certificate; a refused login and an
untrusted certificate reach the mailbox's status in words; a crash between storing a message
and flagging it seen fetches it again and the Message-ID keeps it one record.

Locally the module is skipped without ``dovecot``; in CI (``STEWARD_REQUIRE_SERVICES=true``)
a missing server fails it instead: ``.ci/run`` installs ``dovecot-imapd``."""

from __future__ import annotations

import imaplib
import ssl

import pytest

from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import mailbox_create, mailboxes_poll_due
from steward.mailboxes.services.polling import imap_connect
from tests.conftest import REQUIRE_SERVICES
from tests.mailboxes import dovecot
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server():
    if not dovecot.available():
        if REQUIRE_SERVICES:
            pytest.fail("dovecot (apt-get install dovecot-imapd) is required in CI")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    with dovecot.running() as running:
        yield running


def _admin(server: dovecot.Dovecot) -> imaplib.IMAP4:
    """The test's own session (over the plain port), as a mail client beside the poller."""
    conn = imaplib.IMAP4(server.host, server.port, timeout=10)
    conn.login(server.user, server.password)
    return conn


@pytest.fixture
def store(server):
    """The account emptied before each test; ``deliver`` appends a message to a folder."""
    conn = _admin(server)
    for folder in ("INBOX", "Support"):
        conn.create(folder)  # NO when it exists: fine
        _, count = conn.select(folder)
        if int(count[0]):
            conn.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
            conn.expunge()
    conn.logout()

    def deliver(raw: bytes, folder: str = "INBOX") -> None:
        session = _admin(server)
        status, said = session.append(folder, None, None, raw)
        assert status == "OK", said
        session.logout()

    return deliver


def _seen(server: dovecot.Dovecot, folder: str = "INBOX") -> tuple[int, int]:
    """(messages, seen messages) in the folder, read without touching a flag."""
    conn = _admin(server)
    conn.select(folder, readonly=True)
    _, everything = conn.uid("SEARCH", None, "ALL")
    _, seen = conn.uid("SEARCH", None, "SEEN")
    conn.logout()
    return len(everything[0].split()), len(seen[0].split())


@pytest.fixture
def trusted(server, monkeypatch):
    """The client trusts the server's self-signed certificate (OpenSSL reads SSL_CERT_FILE
    when ``ssl.create_default_context`` loads the default paths)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))


def _mailbox(server: dovecot.Dovecot, **changes) -> Mailbox:  # noqa: ANN003
    fields = {
        "imap_host": "localhost",
        "imap_port": server.tls_port,
        "imap_tls": True,
        "imap_username": server.user,
        "imap_password": server.password,
        **changes,
    }
    return mailbox_create(
        SYSTEM, name="Dovecot desk", address="dovecot-desk@example.com", kind="imap", **fields
    )


def _polled(mailbox: Mailbox) -> Mailbox:
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=None)  # due now
    mailboxes_poll_due()
    return Mailbox.objects.get(pk=mailbox.pk)


def test_a_poll_over_tls_fetches_new_mail_and_the_next_poll_nothing(server, store, trusted, alice):
    store(eml(subject="VPN down"))
    store(eml(subject="Printer jammed"))
    mailbox = _mailbox(server)

    polled = _polled(mailbox)

    assert polled.last_poll_error == ""
    assert sorted(Incident.objects.values_list("title", flat=True)) == [
        "Printer jammed",
        "VPN down",
    ]
    assert _seen(server) == (2, 2)

    store(eml(subject="Screen flickers"))
    again = _polled(mailbox)
    assert again.last_poll_error == ""
    assert Incident.objects.count() == 3  # the new one only
    assert InboundMessage.objects.count() == 3
    assert _seen(server) == (3, 3)
    _polled(mailbox)
    assert InboundMessage.objects.count() == 3


def test_only_the_mailboxs_folder_is_read(server, store, trusted, alice):
    store(eml(subject="In the inbox"))
    store(eml(subject="In support"), folder="Support")

    polled = _polled(_mailbox(server, imap_folder="Support"))

    assert polled.last_poll_error == ""
    assert list(Incident.objects.values_list("title", flat=True)) == ["In support"]
    assert _seen(server, "Support") == (1, 1)
    assert _seen(server, "INBOX") == (1, 0)  # untouched


def test_plain_imap_works_without_tls(server, store, alice):
    store(eml(subject="Over plain IMAP"))
    polled = _polled(_mailbox(server, imap_port=server.port, imap_tls=False))
    assert polled.last_poll_error == ""
    assert Incident.objects.get().title == "Over plain IMAP"


def test_an_untrusted_certificate_stops_the_poll_in_words(server, store, alice):
    store(eml(subject="Never fetched"))

    polled = _polled(_mailbox(server))  # no SSL_CERT_FILE: the self-signed cert is unknown

    assert polled.last_poll_error.startswith(f"TLS with localhost:{server.tls_port} failed: ")
    assert "certificate" in polled.last_poll_error
    assert not InboundMessage.objects.exists()
    assert _seen(server) == (1, 0)


def test_a_bad_password_goes_to_the_mailboxs_status(server, store, trusted, alice):
    store(eml(subject="Never fetched"))

    polled = _polled(_mailbox(server, imap_password="wrong"))

    assert polled.last_poll_error == (
        f"localhost:{server.tls_port} refused the login:"
        " [AUTHENTICATIONFAILED] Authentication failed."
    )
    assert polled.last_polled_at is not None
    assert not InboundMessage.objects.exists()
    assert _seen(server) == (1, 0)


def test_a_missing_folder_goes_to_the_mailboxs_status(server, store, trusted):
    polled = _polled(_mailbox(server, imap_folder="Nowhere"))
    assert polled.last_poll_error == "Logged in, but the folder 'Nowhere' cannot be opened."


class _CrashBeforeSeen:
    """A real connection whose first flag-setting dies as a worker killed there would."""

    def __init__(self, conn: imaplib.IMAP4) -> None:
        self.conn = conn

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.conn, name)

    def uid(self, command: str, *args):  # noqa: ANN002, ANN201
        if command == "STORE":
            self.conn.shutdown()  # the socket goes away, as with a killed process
            raise OSError("killed between storing the message and flagging it seen")
        return self.conn.uid(command, *args)


def test_a_crash_between_ingest_and_seen_does_not_duplicate(server, store, trusted, alice):
    store(eml(subject="Disk full", message_id="<disk-full@mail.example.com>"))
    mailbox = _mailbox(server)

    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=None)
    mailboxes_poll_due(connect=lambda box: _CrashBeforeSeen(imap_connect(box)))

    crashed = Mailbox.objects.get(pk=mailbox.pk)
    assert "killed between" in crashed.last_poll_error
    assert Incident.objects.count() == 1  # stored and committed before the crash
    assert _seen(server) == (1, 0)  # but never flagged: the next poll fetches it again

    polled = _polled(mailbox)

    assert polled.last_poll_error == ""
    assert Incident.objects.count() == 1  # the Message-ID found the stored one
    assert InboundMessage.objects.count() == 1
    assert _seen(server) == (1, 1)


def test_the_poller_checks_the_host_name_against_the_certificate(server, trusted, monkeypatch):
    # the certificate names localhost and 127.0.0.1; another name for the same socket fails
    mailbox = _mailbox(server)
    mailbox.imap_host = "127.0.0.2"
    with pytest.raises((ssl.SSLError, OSError)):
        imap_connect(mailbox, timeout=5)
