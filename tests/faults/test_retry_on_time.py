"""A mail that failed is tried again when its backoff ends, with no other write and no
sweep to carry it: the worker schedules a dispatch at the retry time (decision 0059).
Before that, once the writes stopped, a retry waited for the minute sweep; the crash run
(tests/faults/test_crash_recovery.py) timed out on it in CI with SMTP down."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.faults.harness import Steward, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.own_database]

MAILS = 5

QUEUE = f"""
from steward.core import mail
from steward.core.tasks import dispatch_outbox
from tests import factories

team = factories.TeamFactory(slug="retry", name="Retry", email="team@retry.test")
for i in range({MAILS}):
    mail.queue(key=f"retry:{{i}}", kind="test", record=team, mails=[mail.Mail(
        recipient="ops@retry.test", subject=f"Mail {{i}}", body="Hi",
        headers={{"Message-ID": f"<retry-{{i}}@steward.test>"}})])
dispatch_outbox()  # the one wake-up: nothing else is written or woken after it
"""


@pytest.fixture
def app(own_steward):
    return own_steward(smtp_up=False)  # SMTP is down until the test brings it up


def most_tries(app: Steward) -> int:
    """The most tries of a mail not sent."""
    return app.db.scalar(
        "SELECT COALESCE(max(attempts), 0) FROM core_outgoingmail WHERE sent_at IS NULL"
    )


def waiting(app: Steward, check, timeout: float, what: str) -> None:
    """``wait_for``, failing with what the mails and the worker were doing."""
    try:
        wait_for(check, timeout=timeout, what=what)
    except AssertionError as timed_out:
        rows = app.db.query(
            "SELECT id, attempts, sent_at, next_attempt_at FROM core_outgoingmail ORDER BY id"
        )
        log = app.worker.log.read_text().splitlines()[-40:]
        raise AssertionError(
            f"{timed_out}\nmails (id, attempts, sent_at, next try): {rows}\n"
            f"accepted by the sink: {app.sink.ids()}\nworker log:\n" + "\n".join(log)
        ) from None


def test_failed_mail_is_retried_on_time_with_no_write_and_no_sweep(app):
    app.run("shell", "-c", QUEUE)
    app.start_worker()
    # a pass stops at the first refused connection, so the first mail is the probe: backoffs
    # of 1 s then 2 s (STEWARD_DELIVERY_RETRY_BASE_SECONDS=1, at most halved by the jitter)
    # bring its third try within about 5 s; the minute sweep alone would give one. The wait
    # is 45 s, not 20: at CI's load the worker's start alone took much of 20 s (two of four
    # fresh-clone runs timed out, 2026-12-06); in 45 s the sweeps give at most one more try,
    # so a third still proves the retry on time. The 45 s count from the first try, not from
    # the worker's start: at CI's load the start alone took 20-40 s (a third fresh-clone run
    # timed out at 45 s from the start, 2026-12-06), which says nothing of the retries
    waiting(app, lambda: most_tries(app) >= 1, 120, "the worker's first try of a mail")
    waiting(app, lambda: most_tries(app) >= 3, 45, "a third try of a mail")

    app.sink.up()  # SMTP back: the next retry sends what is due, the rest on their retries
    wait_for(
        lambda: app.db.scalar("SELECT count(*) FROM core_outgoingmail WHERE sent_at IS NULL") == 0,
        timeout=45,
        what="every mail sent once SMTP is back",
    )
    accepted = app.sink.ids()
    assert sorted(accepted) == sorted(f"<retry-{i}@steward.test>" for i in range(MAILS))
    assert [m for m, n in Counter(accepted).items() if n > 1] == []
