"""The outbox: written with the change, dispatched after commit, at least once."""

import pytest

from steward.core import outbox
from steward.core.models import OutboxMessage, Team
from steward.core.services import team_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received(monkeypatch):
    seen = []
    monkeypatch.setitem(outbox._consumers, "team.created", [lambda m: seen.append(m.object_id)])
    return seen


def test_event_is_dispatched_after_commit(admin_actor, received):
    team = team_create(admin_actor, name="Network")
    message = OutboxMessage.objects.get(topic="team.created")
    assert received == [str(team.pk)]
    assert message.dispatched_at is not None
    assert message.attempts == 1


def test_nothing_is_emitted_when_the_change_rolls_back(admin_actor, received):
    from django.db import transaction

    def create_then_fail():
        with transaction.atomic():
            team_create(admin_actor, name="Network")
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not Team.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert received == []


def test_a_failing_consumer_leaves_the_row_for_a_retry(admin_actor, monkeypatch, clock):
    calls = []

    def flaky(message):
        calls.append(message.id)
        if len(calls) == 1:
            raise ConnectionError("mail server down")

    monkeypatch.setitem(outbox._consumers, "team.created", [flaky])
    team_create(admin_actor, name="Network")
    message = OutboxMessage.objects.get(topic="team.created")
    assert message.dispatched_at is None
    assert "mail server down" in message.last_error
    assert message.next_attempt_at > clock.at  # after a backoff

    assert outbox.dispatch_pending() == 0
    clock.at = message.next_attempt_at
    assert outbox.dispatch_pending() == 1
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert message.attempts == 2
    assert outbox.dispatch_pending() == 0
    assert len(calls) == 2


def test_a_transaction_wakes_the_worker_once_however_many_events(admin_actor, monkeypatch):
    """Each wake-up is a queue write (a commit of its own with SQLite huey); one dispatch
    takes every pending row, so a transaction emitting three events wakes the worker once,
    and the next transaction wakes it again."""
    from django.db import transaction

    wakes = []
    monkeypatch.setattr(outbox, "wake_worker", lambda: wakes.append(1))
    with transaction.atomic():
        team = team_create(admin_actor, name="Network")
        outbox.emit("team.touched", team)
        outbox.emit("team.touched", team)
    assert len(wakes) == 1
    assert OutboxMessage.objects.filter(object_id=str(team.pk)).count() == 3
    with transaction.atomic():
        outbox.emit("team.touched", team)
    assert len(wakes) == 2


def test_a_wake_up_with_nothing_due_opens_no_transaction(admin_actor, received, monkeypatch):
    """Every commit that emits wakes the worker and one dispatch takes every pending row, so
    under a write load most wake-ups find nothing due; on SQLite a transaction there is a
    BEGIN IMMEDIATE in the writers' queue, the creates' one write lock taken for nothing
    (decision 0091). A due row still goes out, in one transaction."""
    from django.db import connection

    team_create(admin_actor, name="Network")  # dispatched on commit
    opened = []
    real = connection.set_autocommit

    def spy(autocommit, *args, **kwargs):
        if not autocommit:
            opened.append(1)
        return real(autocommit, *args, **kwargs)

    monkeypatch.setattr(connection, "set_autocommit", spy)
    assert outbox.dispatch_pending() == 0
    assert opened == []
    OutboxMessage.objects.create(topic="team.created", object_type="core.team", object_id="7")
    assert outbox.dispatch_pending() == 1
    assert len(opened) == 1
    assert received[-1] == "7"


def test_a_batch_writes_its_states_one_update_per_set_of_equal_values(admin_actor, monkeypatch):
    """The rows that succeeded share the batch's dispatch time and one UPDATE; a failed row
    keeps its own error and backoff (an UPDATE of its own). ``bulk_update`` built a CASE
    branch per row and field instead: a third of the demo's load (docs/testing.md, demo40)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def consumer(message):
        if message.payload.get("n") == 2:
            raise ConnectionError("mail server down")

    monkeypatch.setitem(outbox._consumers, "team.touched", [consumer])
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)
    team = team_create(admin_actor, name="Network")
    with transaction.atomic():
        for n in range(4):
            outbox.emit("team.touched", team, n=n)
    with CaptureQueriesContext(connection) as queries:
        assert outbox.dispatch_pending() == 4  # team.created and three of the four

    table = OutboxMessage._meta.db_table
    updates = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 2
    assert not any("CASE" in sql for sql in updates)
    rows = {m.payload.get("n"): m for m in OutboxMessage.objects.all()}
    done = [rows[n] for n in (None, 0, 1, 3)]
    assert {m.dispatched_at for m in done} == {done[0].dispatched_at}
    assert done[0].dispatched_at is not None
    assert [m.attempts for m in done] == [1, 1, 1, 1]
    assert all(m.last_error == "" and m.next_attempt_at is None for m in done)
    failed = rows[2]
    assert failed.dispatched_at is None
    assert failed.attempts == 1
    assert "mail server down" in failed.last_error
    assert failed.next_attempt_at is not None
    assert failed.failing_since is not None


def test_an_event_without_consumers_is_dispatched_without_a_savepoint(
    admin_actor, received, monkeypatch
):
    """A savepoint is there to undo a failing consumer's writes; most topics have no
    consumer (1,837 of the demo's 1,948 events), and each savepoint is two statements."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(outbox, "wake_worker", lambda: None)
    team = team_create(admin_actor, name="Network")  # team.created: ``received`` takes it
    with transaction.atomic():
        outbox.emit("team.touched", team)
        outbox.emit("team.touched", team)
    with CaptureQueriesContext(connection) as queries:
        assert outbox.dispatch_pending() == 3

    assert len([q for q in queries if q["sql"].startswith("SAVEPOINT")]) == 1
    assert received == [str(team.pk)]
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
