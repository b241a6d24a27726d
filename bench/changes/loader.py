"""The estate and the schedule: CIs in a ``depends_on`` tree, scheduled changes, freezes.

``cis`` CIs where CI ``i`` depends on CI ``i // 4`` (so depth 3 reaches 1 + 4 + 16 + 64 CIs
downwards and 3 upwards), ``changes`` scheduled changes over the next year, each on one
random CI, ``month`` of them packed into one calendar month (``month_start`` 2 months
ahead), and freeze windows: a few global ones and some on random CIs. Numbers come from the
product's sequence, so changes created later through the API get the next ones.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

BATCH = 20_000
GLOBAL_FREEZES = 6  # two days each over the year, one in the timed month: some checks hit it
CI_FREEZES = 300  # a day each on random CIs: the freeze scan filters by related CI


@dataclass
class Loaded:
    first_ci_id: int
    cis: int
    month_start: dt.datetime
    month_end: dt.datetime
    seconds: float


def month_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month two months ahead (UTC midnight to midnight): the page's month."""
    first = (now + dt.timedelta(days=62)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


def load(
    db: str, *, cis: int, changes: int, month: int, rng: random.Random, progress=print
) -> Loaded:  # noqa: ANN001 - progress: print-like
    from django.db import connection, transaction
    from django.utils import timezone

    from steward.changes.models import Change, ChangeCI
    from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
    from steward.core.models import User
    from steward.core.numbering import next_numbers

    server = CIClass.objects.get(slug="server")
    depends = RelationshipType.objects.get(slug="depends_on")
    requester = User.objects.get(username="admin")
    started = time.perf_counter()
    number = "'CI' || lpad(i::text, 7, '0')" if db == "postgres" else "'CI' || printf('%%07d', i)"
    _series_insert(
        ConfigurationItem, cis, {"number": number, "name": "'ci-' || i", "ci_class_id": server.pk}
    )
    first = ConfigurationItem.objects.order_by("id").values_list("id", flat=True).first()
    progress(f"   {cis:,} CIs in {time.perf_counter() - started:.0f}s")
    parent = f"{first} + (i + 1) / 4"  # integer division on both databases
    _series_insert(
        Relationship,
        cis - 1,
        {"source_id": f"{first} + i + 1", "target_id": parent, "type_id": depends.pk},
    )
    progress(f"   {cis - 1:,} relationships in {time.perf_counter() - started:.0f}s")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    month_start, month_end = month_bounds(now)
    month_minutes = int((month_end - month_start).total_seconds() // 60)
    numbers = iter(next_numbers("CHG", changes))
    for low in range(0, changes, BATCH):
        rows = []
        for i in range(low, min(changes, low + BATCH)):
            hours = rng.choice([1, 2, 4])
            if i < month:  # wholly inside the month: the calendar finds exactly these
                offset = rng.randrange(month_minutes - hours * 60)
                start = month_start + dt.timedelta(minutes=offset)
            else:  # the rest of the year, outside the month
                start = now + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
                if month_start - dt.timedelta(hours=hours) < start < month_end:
                    start += month_end - month_start + dt.timedelta(days=1)
            rows.append((next(numbers), start, start + dt.timedelta(hours=hours)))
        with transaction.atomic():
            made = Change.objects.bulk_create(
                Change(
                    number=number,
                    title=f"bench {number}",
                    requester=requester,
                    status="scheduled",
                    planned_start=s,
                    planned_end=e,
                )
                for number, s, e in rows
            )
            ChangeCI.objects.bulk_create(
                ChangeCI(
                    change=c,
                    ci_id=first + rng.randrange(cis),
                    planned_start=s,
                    planned_end=e,
                    holds_window=True,
                )
                for c, (_, s, e) in zip(made, rows, strict=True)
            )
    _freezes(now, month_start, first, cis, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    progress(f"   {changes:,} changes ({month:,} in the month) + freezes in {seconds:.0f}s")
    return Loaded(first, cis, month_start, month_end, round(seconds, 1))


def _freezes(
    now: dt.datetime, month_start: dt.datetime, first: int, cis: int, rng: random.Random
) -> None:
    from steward.changes.models import FreezeWindow

    windows = []
    for i in range(GLOBAL_FREEZES):
        start = month_start + dt.timedelta(days=10 + 60 * i)
        windows.append((f"bench-global-{i}", start, start + dt.timedelta(days=2), None))
    for i in range(CI_FREEZES):
        start = now + dt.timedelta(hours=rng.randrange(365 * 24))
        ci = first + rng.randrange(cis)
        windows.append((f"bench-ci-{i}", start, start + dt.timedelta(days=1), ci))
    FreezeWindow.objects.bulk_create(
        FreezeWindow(slug=slug, name=slug, starts_at=s, ends_at=e, ci_id=ci)
        for slug, s, e, ci in windows
    )


def _series_insert(model, count: int, columns: dict) -> None:  # noqa: ANN001 - a model class
    """``count`` rows in one INSERT … SELECT over a series i from 0 (generate_series on
    PostgreSQL, a recursive CTE on SQLite): the given columns as SQL expressions (str) or
    values, every other column its model default."""
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    now = "now()" if postgres else "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"
    names, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        value = columns.get(field.column, columns.get(field.name))
        if isinstance(value, str):
            exprs.append(value)
        elif value is not None:
            exprs.append("%s")
            params.append(value)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append(now)
        else:
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    insert = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(exprs)}"
    if postgres:
        sql = f"{insert} FROM generate_series(0, %s) AS i"
    else:
        series = "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
        sql = f"{series}{insert} FROM s"
        params = [count - 1, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count - 1] if postgres else params)
