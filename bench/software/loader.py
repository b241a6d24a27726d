"""The estate the software benchmark measures: devices, users, products, licences and
installations written with ``bulk_create`` (the product's services would take minutes for
half a million rows and are not what is measured)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from steward.cmdb.imports import sql

BATCH = 5000


def load(*, devices: int, installations: int, products: int, users: int, seed: int = 14) -> dict:
    from steward.cmdb.models import CIClass, ConfigurationItem
    from steward.core.models import User
    from steward.software.models import Installation, Licence, Product

    rng = random.Random(seed)
    server = CIClass.objects.get(slug="server")
    with transaction.atomic():
        ConfigurationItem.objects.bulk_create(
            (
                ConfigurationItem(
                    number=f"CI{n:07d}",
                    name=f"host-{n:06d}",
                    ci_class=server,
                    status="retired" if n % 50 == 0 else "live",
                )
                for n in range(1, devices + 1)
            ),
            batch_size=BATCH,
        )
        User.objects.bulk_create(
            (User(username=f"bench-user-{n}", password="!") for n in range(users)),
            batch_size=BATCH,
        )
        made = Product.objects.bulk_create(
            Product(
                slug=f"bench-product-{n}",
                publisher=f"Publisher {n % 40}",
                name=f"Product {n}",
                match_rules=[f"product {n}"],
            )
            for n in range(products)
        )
        today = timezone.localdate()
        metrics = ["device", "user", "core", "site"]
        Licence.objects.bulk_create(
            Licence(
                number=f"LIC{i * 3 + k + 1:07d}",
                product=p,
                metric=metrics[i % 4] if k < 2 else "device",
                term="subscription" if k == 2 else "perpetual",
                quantity=rng.randint(100, 4000),
                start_date=today - dt.timedelta(days=400),
                end_date=today - dt.timedelta(days=10) if k == 2 else None,  # expired
            )
            for i, p in enumerate(made)
            for k in range(3)
        )
    device_ids = list(ConfigurationItem.objects.order_by("id").values_list("id", flat=True))
    bench_users = User.objects.filter(username__startswith="bench-user-")
    user_ids = list(bench_users.values_list("id", flat=True))
    product_ids = [p.pk for p in made]
    per_device = max(1, installations // len(device_ids))
    now = timezone.now()
    at = sql.time_value(now)
    columns = ("product", "device", "user", "cores", "source", "discovered_name", "last_seen")
    columns += ("freed_at", "freed_by", "created_at")
    rows = []
    with transaction.atomic():
        # plain batched statements (COPY / executemany, as the CMDB import writes): the
        # ORM's bulk_create took most of a quarter of an hour for 500,000 rows under load
        for device in device_ids:
            freed = device % 50 == 0  # retired devices' seats
            rows.extend(
                (
                    product,
                    device,
                    rng.choice(user_ids) if rng.random() < 0.8 else None,
                    rng.choice((2, 4, 8, 16)),
                    "discovery",
                    "",
                    at,
                    at if freed else None,
                    "ci_retired" if freed else "",
                    at,
                )
                for product in rng.sample(product_ids, per_device)
            )
            if len(rows) >= BATCH * 10:
                sql.insert(Installation, columns, rows)
                rows = []
        sql.insert(Installation, columns, rows)
    return {
        "devices": len(device_ids),
        "users": len(user_ids),
        "products": len(product_ids),
        "licences": Licence.objects.count(),
        "installations": Installation.objects.count(),
    }
