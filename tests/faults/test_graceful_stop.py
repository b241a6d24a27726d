"""A worker stopped gracefully (SIGTERM, what a supervisor sends first) in the middle of a
mail batch: it finishes the mail in hand, claims no more, exits promptly, and leaves no
claim behind, so the next worker sends the rest at once instead of after the claims' lease;
nothing is sent twice. (SIGKILL is tests/faults/test_crash_recovery.py's.)"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.faults.harness import CLAIM_LEASE, Steward, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.own_database]

MAILS = 40

QUEUE = f"""
from steward.core import mail
from steward.core.tasks import dispatch_outbox
from tests import factories

team = factories.TeamFactory(slug="stop", name="Stop", email="team@stop.test")
for i in range({MAILS}):
    mail.queue(key=f"stop:{{i}}", kind="test", record=team, mails=[mail.Mail(
        recipient="ops@stop.test", subject=f"Mail {{i}}", body="Hi",
        headers={{"Message-ID": f"<stop-{{i}}@steward.test>"}})])
dispatch_outbox()  # wake the worker: it sends the queued mail after dispatching
"""

WAKE = "from steward.core.tasks import dispatch_outbox; dispatch_outbox()"


@pytest.fixture
def app(own_steward):
    return own_steward(smtp_up=True)


def claims(app: Steward) -> int:
    return app.db.scalar(
        "SELECT count(*) FROM core_outgoingmail WHERE sent_at IS NULL AND claimed_at IS NOT NULL"
    )


def sent_ids(app: Steward) -> set[str]:
    return {r[0] for r in app.db.query(
        "SELECT message_id FROM core_outgoingmail WHERE sent_at IS NOT NULL"
    )}  # fmt: skip


def test_sigterm_mid_batch_releases_the_claims_and_sends_nothing_twice(app):
    app.sink.delay = 0.5  # 40 mails: 20 s of sending, more than the stop may take
    app.run("shell", "-c", QUEUE)  # no worker yet: the mails wait in the queue
    app.start_worker()
    wait_for(lambda: len(app.sink.ids()) >= 3, timeout=60, what="the first mails")

    began = time.monotonic()
    app.worker.stop()  # SIGTERM to the worker's process group; SIGKILL after 30 s
    took = time.monotonic() - began

    assert app.worker.proc.returncode == 0, app.worker.log.read_text()[-3000:]
    assert took < 10, f"the graceful stop took {took:.1f} s: it sent the whole batch?"
    accepted = app.sink.ids()
    assert len(accepted) < MAILS, "the stop came after the batch: nothing was cut"
    assert claims(app) == 0, "a claim was left to expire"
    assert sent_ids(app) == set(accepted)  # each accepted mail is marked sent, no other
    assert [m for m, n in Counter(accepted).items() if n > 1] == []

    # the next worker sends the rest at once: nothing waits out a claim's lease
    app.sink.delay = 0
    app.start_worker()
    app.run("shell", "-c", WAKE)
    # timed from the wake, not from the worker's start: the wake is a `steward shell` of its
    # own whose start-up is not the worker's work (a CI run at load 33 measured 20.6 s from
    # the worker's start, with Django's start-up in that shell inside it)
    restarted = time.monotonic()
    wait_for(
        lambda: app.db.scalar("SELECT count(*) FROM core_outgoingmail WHERE sent_at IS NULL") == 0,
        timeout=CLAIM_LEASE,
        what="every mail sent by the next worker",
    )
    assert time.monotonic() - restarted < CLAIM_LEASE
    accepted = app.sink.ids()
    assert sorted(accepted) == sorted(f"<stop-{i}@steward.test>" for i in range(MAILS))
    app.worker.stop()
    assert claims(app) == 0
