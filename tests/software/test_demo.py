"""The demo software: fifteen products, every metric, one product out of compliance."""

from __future__ import annotations

import random

from steward.core.actor import Actor
from steward.software import demo, selectors
from steward.software.models import Installation, Licence, Product
from tests import factories
from tests.cmdb.conftest import make_ci


def test_demo_has_every_metric_and_exactly_one_product_short(db):
    for n in range(5):
        factories.agent(username=f"demo-user-{n}")
    for n in range(40):
        make_ci("server" if n % 2 else "virtual_machine", name=f"demo-host-{n}")

    made = demo.load(random.Random(7))

    assert made == Installation.objects.count() > 100 // 2
    assert Product.objects.count() == 15
    assert set(Licence.objects.values_list("metric", flat=True)) == {
        "device",
        "user",
        "core",
        "site",
    }
    assert set(Licence.objects.values_list("term", flat=True)) == {"perpetual", "subscription"}
    rows = selectors.compliance_report(Actor.system("t"))
    short = [r for r in rows if r.compliance.shortfall]
    assert [r.product.slug for r in short] == ["adobe-acrobat-pro-2024"]
    assert short[0].compliance.shortfall == 3
    assert demo.load(random.Random(7)) == 0  # loads once
