"""Fill the asset table fast for the reads: plain SQL in batches (COPY on PostgreSQL).

Every column is written as the ORM would write an ``Asset()`` of the same values (the
prototype's prepared values), varying only the number, tag, serial, model, location and
state; the reference rows (20 models, 50 locations) go through the services and the ORM.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

STATES = ["in_stock", "deployed", "deployed", "deployed", "in_repair", "retired"]
BATCH = 20_000


def load_assets(
    count: int, rng: random.Random, *, say: Callable[[str], None] = print
) -> tuple[list[int], list[int]]:
    """``count`` assets over 20 models and 50 locations; returns their ids."""
    from django.db import connection, transaction

    from steward.assets import services
    from steward.assets.models import Asset
    from steward.core.actor import Actor
    from steward.core.models import Location

    system = Actor.system("bench")
    category = services.category_create(system, name="Bench laptops")
    models = [
        services.model_create(system, manufacturer="Bench", name=f"M{i}", category=category.slug)
        for i in range(20)
    ]
    places = [Location.objects.create(name=f"Bench site {i}") for i in range(50)]
    fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
    model_ids, place_ids = [m.pk for m in models], [p.pk for p in places]
    began = time.monotonic()
    for start in range(0, count, BATCH):
        rows = [
            {
                "number": f"AST{n:07d}",
                "asset_tag": f"T{n:09d}",
                "serial_number": f"S{n:09d}",
                "model_id": rng.choice(model_ids),
                "location_id": rng.choice(place_ids),
                "status": rng.choice(STATES),
            }
            for n in range(start + 1, min(count, start + BATCH) + 1)
        ]
        with transaction.atomic():
            insert_rows(connection, fields, rows)
        done = start + len(rows)
        if done % 200_000 < BATCH:
            say(f"   {done:,} assets, {time.monotonic() - began:.0f} s")
    table = Asset._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return model_ids, place_ids


def insert_rows(connection, fields: list, rows: list[dict]) -> None:  # noqa: ANN001
    """``rows`` (attribute name → value; every other column as the ORM's default) inserted
    on the raw cursor: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""
    from steward.assets.models import Asset

    prototype = Asset(number="", asset_tag="", serial_number="", model_id=0)
    base = [f.get_db_prep_save(f.pre_save(prototype, True), connection) for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = Asset._meta.db_table
    prepared = []
    for values in rows:
        row = list(base)
        for name, value in values.items():
            row[at[name]] = value
        prepared.append(row)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)  # noqa: S608
