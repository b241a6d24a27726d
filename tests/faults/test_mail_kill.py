"""The LMTP listener (``steward mail lmtp``) killed with SIGKILL while sessions deliver at
once, so groups are being written (decision 0033): every message answered 250 before the
kill is stored, and the mail server's delivery of everything again after the restart (what
it was not answered, and what it was, as if an answer was lost) leaves one row and one
record per message. (The IMAP poll's chunk: tests/mailboxes/test_batches.py rolls a chunk
back on a database failure; its \\Seen is sent only after the commit.)"""

from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage

import pytest

from tests.faults.harness import Process, free_port, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.own_database]

MESSAGES, SESSIONS = 150, 6

SETUP = """
from steward.core.actor import Actor
from steward.mailboxes.services import mailbox_create
from tests import factories

factories.TeamFactory(slug="desk", name="Desk")
for n in range(10):
    factories.requester(username=f"caller{n}", email=f"caller{n}@kill.test")
mailbox_create(Actor.system("kill"), name="Desk", address="desk@kill.test", kind="pipe",
    team="desk")
"""


def message(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Caller <caller{n % 10}@kill.test>"
    msg["To"] = "desk@kill.test"
    msg["Subject"] = f"Broken {n}"
    msg["Message-ID"] = f"<kill-{n}@kill.test>"
    msg.set_content(f"Message {n}: the printer is broken again.\n" * 3)
    if n % 5 == 0:
        msg.add_attachment(b"%PDF-1.4\n" + bytes(range(256)) * 40, maintype="application",
                           subtype="pdf", filename=f"r{n}.pdf")  # fmt: skip
    return bytes(msg).replace(b"\n", b"\r\n")  # a mail server's lines


@pytest.fixture
def app(own_steward):
    steward = own_steward(smtp_up=False)  # the sink is never started: nothing is sent
    steward.run("shell", "-c", SETUP)
    return steward


def _listening(port: int) -> bool:
    try:
        with smtplib.LMTP("127.0.0.1", port, timeout=2) as client:
            client.noop()
    except OSError:
        return False
    return True


def _sessions(port: int, numbers: list[int], acked: set[int], cut: list[int]) -> list:
    """``SESSIONS`` LMTP sessions at once delivering ``numbers``; each answered 250 goes into
    ``acked``, each whose session broke before its answer into ``cut``."""
    lock = threading.Lock()

    def session(mine: list[int]) -> None:
        try:
            with smtplib.LMTP("127.0.0.1", port, timeout=30) as client:
                for n in mine:
                    try:
                        refused = client.sendmail(f"caller{n % 10}@kill.test", ["desk@kill.test"],
                                                  message(n))  # fmt: skip
                    except (OSError, smtplib.SMTPException):
                        with lock:
                            cut.append(n)
                        return
                    if refused == {}:
                        with lock:
                            acked.add(n)
        except (OSError, smtplib.SMTPException):
            return

    threads = [
        threading.Thread(target=session, args=(numbers[k::SESSIONS],)) for k in range(SESSIONS)
    ]
    for thread in threads:
        thread.start()
    return threads


def test_a_kill_mid_group_loses_nothing_answered_and_redelivery_makes_one_each(app):
    port = free_port()
    lmtp = Process("lmtp", ["mail", "lmtp", "--port", str(port)], app.env, app.tmp)
    lmtp.start()
    wait_for(lambda: _listening(port), timeout=60, what=f"the LMTP listener ({lmtp.log})")
    acked: set[int] = set()
    cut: list[int] = []
    threads = _sessions(port, list(range(MESSAGES)), acked, cut)
    wait_for(lambda: len(acked) >= 30, timeout=120, what="30 messages answered")
    lmtp.kill()  # sessions are waiting on their groups' commit
    for thread in threads:
        thread.join(60)
    answered = set(acked)
    stored = {
        int(m.removeprefix("<kill-").partition("@")[0])
        for (m,) in app.db.query("SELECT message_id FROM mailboxes_inboundmessage")
    }
    assert answered <= stored, f"answered 250 but not stored: {sorted(answered - stored)}"
    assert cut, "the kill cut no delivery in flight"
    assert len(answered) < MESSAGES

    lmtp.start()  # the mail server delivers everything again, answered or not
    wait_for(lambda: _listening(port), timeout=60, what=f"the LMTP listener ({lmtp.log})")
    again: set[int] = set()
    for thread in _sessions(port, list(range(MESSAGES)), again, []):
        thread.join(120)
    lmtp.stop()
    assert again == set(range(MESSAGES))
    rows = app.db.query(
        "SELECT message_id, count(*), min(status) FROM mailboxes_inboundmessage GROUP BY 1"
    )
    assert len(rows) == MESSAGES
    assert {count for _, count, _ in rows} == {1}
    assert {status for _, _, status in rows} == {"created"}
    assert app.db.scalar("SELECT count(*) FROM incidents_incident") == MESSAGES
    assert app.db.scalar("SELECT count(DISTINCT record_number) FROM mailboxes_inboundmessage") == (
        MESSAGES
    )
