"""The demo assets: a few hundred across every state, contracts ending soon, disposed
assets with certificates, a stock line below its reorder level."""

from __future__ import annotations

import datetime as dt
import random

from steward.assets import demo, selectors
from steward.assets.models import Asset, Contract, Disposition
from steward.core.actor import Actor
from steward.core.models import Location
from tests import factories


def test_demo_assets_cover_the_lifecycle(db):
    for slug in ("workplace", "server-storage"):
        factories.TeamFactory(name=slug.title(), slug=slug)
    Location.objects.create(name="HQ")
    Location.objects.create(name="Branch")
    for n in range(5):
        factories.requester(username=f"demo-req-{n}")

    made = demo.load(random.Random(7))

    assert made == demo.COUNT
    assert Asset.objects.count() == demo.COUNT + 5
    assert set(Asset.objects.values_list("status", flat=True)) == {
        "on_order",
        "in_stock",
        "deployed",
        "in_repair",
        "retired",
        "disposed",
    }
    disposed = Disposition.objects.filter(asset__status="disposed")
    assert disposed.exists()
    assert all(d.certificate_number and d.certificate_date for d in disposed)
    soon = dt.date.today() + dt.timedelta(days=30)
    assert Contract.objects.filter(end_date__lte=soon).exists()
    assert any(line.below for line in selectors.stock_view(Actor.system("t")))
    assert demo.load(random.Random(7)) == 0  # loads once
