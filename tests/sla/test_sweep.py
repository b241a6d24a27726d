"""The sweep: one warning and one breach event per clock, however often and however many
workers run it."""

import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, transaction

from steward.core.models import OutboxMessage
from steward.sla.choices import ClockState, Threshold
from steward.sla.models import SlaClock, SlaEvent
from steward.sla.services import clock_stop, clocks_pause, clocks_start, sla_sweep
from steward.sla.services.events import record_threshold
from steward.sla.tasks import sweep_sla_clocks
from tests import factories
from tests.sla.conftest import SYSTEM, berlin

MONDAY_9 = berlin(2026, 3, 2, 9, 0)
LATER = berlin(2026, 3, 3, 9, 0)  # every P1 clock started on Monday morning is overdue


def started_records(count, priority=1):
    records = [factories.TeamFactory() for _ in range(count)]
    for record in records:
        clocks_start(SYSTEM, record, context={"priority": priority}, at=MONDAY_9)
    return records


def sla_topics():
    return Counter(OutboxMessage.objects.filter(topic__startswith="sla.").values_list("topic"))


@pytest.mark.django_db
def test_sweep_records_each_threshold_once_even_when_run_twice(calendar):
    started_records(3)

    first = sla_sweep(SYSTEM, now=LATER)
    second = sla_sweep(SYSTEM, now=LATER)

    assert (first.warnings, first.breaches) == (6, 6)
    assert (second.warnings, second.breaches) == (0, 0)
    assert SlaEvent.objects.count() == 12
    assert sla_topics() == {("sla.warning",): 6, ("sla.breached",): 6}
    assert not SlaClock.objects.filter(breached=False).exists()


@pytest.mark.django_db
def test_warning_comes_at_the_share_and_breach_strictly_after_the_due_time(calendar):
    [record] = started_records(1)
    response = SlaClock.objects.get(object_id=str(record.pk), kind="response")

    assert sla_sweep(SYSTEM, now=berlin(2026, 3, 2, 9, 11, 14)).warnings == 0
    assert sla_sweep(SYSTEM, now=berlin(2026, 3, 2, 9, 11, 15)).warnings == 1
    assert sla_sweep(SYSTEM, now=berlin(2026, 3, 2, 9, 15)).breaches == 0
    assert sla_sweep(SYSTEM, now=berlin(2026, 3, 2, 9, 15, 1)).breaches == 1

    event = SlaEvent.objects.get(clock=response, threshold=Threshold.BREACH)
    assert event.at == response.due_at
    message = OutboxMessage.objects.get(topic="sla.breached")
    assert message.object_type == "sla.slaclock"
    assert message.object_id == str(response.pk)
    assert message.payload["record_id"] == str(record.pk)


@pytest.mark.django_db
def test_sweep_leaves_paused_and_stopped_clocks_alone(calendar):
    paused, stopped = started_records(2)
    clocks_pause(SYSTEM, paused, at=berlin(2026, 3, 2, 9, 5))
    clock_stop(SYSTEM, stopped, kind="response", at=berlin(2026, 3, 2, 9, 5))
    clock_stop(SYSTEM, stopped, kind="resolution", at=berlin(2026, 3, 2, 9, 5))

    result = sla_sweep(SYSTEM, now=LATER)

    assert (result.warnings, result.breaches) == (0, 0)
    assert not SlaEvent.objects.exists()


@pytest.mark.django_db
def test_sweep_works_through_more_clocks_than_one_batch(calendar):
    started_records(5)

    result = sla_sweep(SYSTEM, now=LATER, batch=2)

    assert (result.warnings, result.breaches) == (10, 10)


@pytest.mark.django_db
def test_an_event_recorded_elsewhere_is_not_emitted_again(calendar):
    [record] = started_records(1)
    clock = SlaClock.objects.get(object_id=str(record.pk), kind="response")
    SlaEvent.objects.create(clock=clock, threshold=Threshold.BREACH, at=clock.due_at)

    with transaction.atomic():
        created = record_threshold(clock, Threshold.BREACH, at=clock.due_at)

    assert created is False
    clock.refresh_from_db()
    assert clock.breached
    assert not OutboxMessage.objects.filter(topic="sla.breached").exists()


@pytest.mark.django_db
def test_the_periodic_task_runs_the_sweep(calendar, monkeypatch):
    started_records(1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: LATER)

    result = sweep_sla_clocks.call_local()

    assert result == {"warnings": 2, "breaches": 2}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lookup", "index"),
    [("warn_at", "sla_clock_warn_pending"), ("due_at", "sla_clock_breach_pending")],
)
def test_the_sweep_queries_use_their_partial_index(calendar, lookup, index):
    started_records(3)
    _settled_clocks(2000)
    flag = "warned" if lookup == "warn_at" else "breached"
    query = SlaClock.objects.filter(state="running", **{flag: False, f"{lookup}__lte": LATER})
    with connection.cursor() as cursor:
        # statistics of a table as the sweep meets it (mostly settled clocks): the index is
        # the planner's own choice. Six clocks with seqscan turned off hung on what earlier
        # tests left in the table (the PostgreSQL flush deletes rows, decision 0068)
        cursor.execute("ANALYZE sla_slaclock")  # PostgreSQL: sees this transaction's rows
    plan = query.order_by(lookup, "id")[:200].explain()

    assert index in plan


def _settled_clocks(count):
    """``count`` stopped clocks, warned and some breached: most of a real table, none of
    them the sweep's."""
    like = SlaClock.objects.first()
    SlaClock.objects.bulk_create(
        SlaClock(
            content_type_id=like.content_type_id,
            object_id=f"settled-{n}",
            policy_id=like.policy_id,
            kind=like.kind,
            state=ClockState.STOPPED,
            target_seconds=like.target_seconds,
            warn_seconds=like.warn_seconds,
            started_at=like.started_at,
            due_at=like.due_at,
            warn_at=like.warn_at,
            stopped_at=LATER,
            warned=True,
            breached=n % 3 == 0,
        )
        for n in range(count)
    )


def _run_in_threads(count, work):
    errors, barrier = [], threading.Barrier(count)

    def worker(n):
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _require_postgres():
    if not settings.IS_POSTGRES:
        raise AssertionError("postgres_only tests are deselected on SQLite (tests/conftest.py)")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_emit_each_event_exactly_once(calendar):
    _require_postgres()
    started_records(40)
    results = []

    _run_in_threads(4, lambda n: results.append(sla_sweep(SYSTEM, now=LATER, batch=7)))

    assert sum(r.warnings for r in results) == 80
    assert sum(r.breaches for r in results) == 80
    assert SlaEvent.objects.count() == 160
    assert sla_topics() == {("sla.warning",): 80, ("sla.breached",): 80}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_row_locks_the_unique_event_still_decides(calendar):
    _require_postgres()
    [record] = started_records(1)
    pk = SlaClock.objects.get(object_id=str(record.pk), kind="response").pk
    outcomes = []

    def race(n):
        with transaction.atomic():
            clock = SlaClock.objects.get(pk=pk)  # no lock: both workers see it pending
            outcomes.append(record_threshold(clock, Threshold.BREACH, at=clock.due_at))

    _run_in_threads(2, race)

    assert sorted(outcomes) == [False, True]
    assert SlaEvent.objects.filter(clock_id=pk).count() == 1
    assert sla_topics() == {("sla.breached",): 1}
