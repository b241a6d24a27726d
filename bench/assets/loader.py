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
    prototype = Asset(number="", asset_tag="", serial_number="", model=models[0])
    fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
    base = [f.get_db_prep_save(f.pre_save(prototype, True), connection) for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = Asset._meta.db_table
    model_ids, place_ids = [m.pk for m in models], [p.pk for p in places]
    began = time.monotonic()
    for start in range(0, count, BATCH):
        rows = []
        for n in range(start + 1, min(count, start + BATCH) + 1):
            row = list(base)
            row[at["number"]] = f"AST{n:07d}"
            row[at["asset_tag"]] = f"T{n:09d}"
            row[at["serial_number"]] = f"S{n:09d}"
            row[at["model_id"]] = rng.choice(model_ids)
            row[at["location_id"]] = rng.choice(place_ids)
            row[at["status"]] = rng.choice(STATES)
            rows.append(row)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor: COPY
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        done = start + len(rows)
        if done % 200_000 < BATCH:
            say(f"   {done:,} assets, {time.monotonic() - began:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return model_ids, place_ids
