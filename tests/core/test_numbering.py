"""Record numbers: per prefix, unique under concurrent writers; gap-free from the counter
table, with gaps where a rolled-back create took a number from a PostgreSQL sequence
(incidents on PostgreSQL: decision 0019)."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from steward.core.models import NumberSequence
from steward.core.numbering import next_number

pytestmark = pytest.mark.django_db


def test_numbers_are_per_prefix_and_zero_padded():
    assert [next_number("INC"), next_number("INC"), next_number("CHG")] == [
        "INC0000001",
        "INC0000002",
        "CHG0000001",
    ]


def test_a_rolled_back_transaction_releases_its_number():
    next_number("PRB")

    def allocate_then_fail():
        with transaction.atomic():
            next_number("PRB")
            raise RuntimeError("abort the record")

    with pytest.raises(RuntimeError):
        allocate_then_fail()
    assert next_number("PRB") == "PRB0000002"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_share_a_number():
    assert settings.IS_POSTGRES
    threads, per_thread = 8, 25
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)
    lock = threading.Lock()

    def writer():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    number = next_number("INC")
                with lock:
                    results.append(number)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert errors == []
    assert len(results) == len(set(results)) == threads * per_thread
    assert sorted(results) == [f"INC{n:07d}" for n in range(1, threads * per_thread + 1)]


@pytest.mark.postgres_only
def test_a_sequenced_prefix_keeps_counting_past_a_rollback():
    assert next_number("INC") == "INC0000001"

    def allocate_then_fail():
        with transaction.atomic():
            next_number("INC")
            raise RuntimeError("abort the record")

    with pytest.raises(RuntimeError):
        allocate_then_fail()
    assert next_number("INC") == "INC0000003"  # the gap: 2 is not handed out again
    assert not NumberSequence.objects.filter(prefix="INC").exists()  # the counter unused


def test_numbers_past_the_width_keep_every_digit():
    NumberSequence.objects.update_or_create(prefix="KB", defaults={"last": 9_999_999})
    assert next_number("KB") == "KB10000000"
