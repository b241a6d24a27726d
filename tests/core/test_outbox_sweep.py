"""The minute sweep finds every undispatched event whatever became of its wake-up, and its
lock expires with its holder: a worker killed mid-sweep stops the sweeps for one lease at
most, across restarts. A kill is simulated by a BaseException at the named point, with the
lease's release lost (a SIGKILL runs no ``finally``)."""

import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from steward.core import leases, outbox, tasks
from steward.core.models import Lease, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(BaseException):
    """The worker's process dies here."""


@pytest.fixture
def lost_wake_ups(monkeypatch):
    """Events are emitted but nobody is woken (a process killed between commit and enqueue)."""
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)
    seen = []
    monkeypatch.setitem(outbox._consumers, "test.event", [lambda event: seen.append(event.pk)])
    return seen


def sweep() -> int:
    return tasks.sweep_outbox.call_local()


def kill_mid_sweep(monkeypatch) -> None:
    """Run a sweep that dies in the middle of its dispatch, holding its lease."""

    def dies(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(outbox, "dispatch_pending", dies)
        m.setattr(leases, "release", lambda name, token: None)
        with pytest.raises(Killed):
            sweep()


def test_an_event_whose_wake_up_was_lost_is_dispatched_by_the_next_sweep(lost_wake_ups, clock):
    event = outbox.emit("test.event", factories.TeamFactory())
    assert lost_wake_ups == []

    assert sweep() == 1
    assert lost_wake_ups == [event.pk]
    assert Lease.objects.count() == 0  # a sweep that ends gives its lease back


def test_a_sweep_killed_holding_its_lock_blocks_the_sweeps_only_until_its_lease_expires(
    lost_wake_ups, clock, monkeypatch
):
    kill_mid_sweep(monkeypatch)
    event = outbox.emit("test.event", factories.TeamFactory())

    clock.advance(minutes=1)
    assert sweep() == 0  # the dead holder's lease still runs
    clock.at = Lease.objects.get(name="outbox-sweep").locked_until + dt.timedelta(seconds=1)
    assert sweep() == 1  # the restarted worker's next sweep

    assert lost_wake_ups == [event.pk]
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert dt.timedelta(minutes=5) >= tasks.SWEEP_LEASE


def test_a_huey_lock_left_by_a_killed_worker_of_an_older_version_blocks_nothing(lost_wake_ups):
    stale = HUEY.lock_task("outbox-sweep")
    stale.__enter__()  # taken and never released: the holder was killed
    try:
        event = outbox.emit("test.event", factories.TeamFactory())
        assert sweep() == 1
    finally:
        stale.clear()
    assert lost_wake_ups == [event.pk]


def test_a_second_sweep_waits_while_a_live_sweep_renews_its_lease(clock, monkeypatch):
    """A slow sweep (each batch takes four minutes) renews its lease between batches; a
    second sweep started meanwhile does nothing, even past the first lease's expiry."""
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)
    team = factories.TeamFactory()
    for _ in range(3):
        outbox.emit("test.event", team)
    second_sweep = []

    def slow(event):
        clock.advance(minutes=4)
        second_sweep.append(sweep())

    monkeypatch.setitem(outbox._consumers, "test.event", [slow])
    real = outbox.dispatch_pending
    monkeypatch.setattr(
        outbox, "dispatch_pending", lambda **kw: real(batch=1, heartbeat=kw["heartbeat"])
    )

    assert sweep() == 3
    assert second_sweep == [0, 0, 0]


def test_a_lease_taken_over_after_expiry_is_lost_to_its_old_holder(clock):
    ttl = dt.timedelta(minutes=5)
    first = leases.acquire("job", ttl)
    assert first
    assert leases.acquire("job", ttl) is None
    clock.advance(minutes=4)
    leases.renew("job", first, ttl)
    clock.advance(minutes=4)
    assert leases.acquire("job", ttl) is None  # renewed: still held

    clock.advance(minutes=2)
    second = leases.acquire("job", ttl)  # the first holder died without renewing
    assert second
    with pytest.raises(leases.LeaseLost):
        leases.renew("job", first, ttl)
    leases.release("job", first)  # a late release does not free the new holder's lease
    assert Lease.objects.get(name="job").holder == second


def test_a_job_run_exclusively_is_skipped_while_held_and_runs_after_a_dead_holder(
    clock, monkeypatch
):
    runs = []

    @leases.exclusive("nightly", dt.timedelta(minutes=10))
    def job():
        runs.append(clock.at)
        return len(runs)

    with monkeypatch.context() as m:  # a run killed holding the lease
        m.setattr(leases, "release", lambda name, token: None)
        assert job() == 1
    clock.advance(minutes=9)
    assert job() is None
    clock.advance(minutes=2)
    assert job() == 2
    assert job() == 3  # a run that ends gives the lease back
