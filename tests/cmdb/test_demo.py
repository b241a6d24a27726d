"""The demo estate loads through the bulk path and makes a connected, valid graph."""

from __future__ import annotations

import random

import pytest

from steward.cmdb import demo
from steward.cmdb.models import ConfigurationItem, Relationship
from steward.cmdb.selectors import impact
from steward.cmdb.services.bulk import cis_import
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry

SYSTEM = Actor.system("tests")


def test_the_demo_estate_is_a_few_hundred_related_cis(db):
    made = demo.load(random.Random(7))

    assert 150 <= made == ConfigurationItem.objects.count()
    assert Relationship.objects.count() > made
    assert AuditEntry.objects.filter(action="create").count() >= made
    shop = ConfigurationItem.objects.get(name="Online shop")
    down = impact(SYSTEM, number=shop.number, direction="down")
    assert {"application", "virtual_machine", "server"} <= {n.ci_class_slug for n in down.nodes}
    assert demo.load(random.Random(7)) == 0  # loaded once


def test_a_bulk_batch_with_one_bad_row_writes_nothing(db):
    rows = [
        {"name": "ok", "ci_class": "server"},
        {"name": "bad", "ci_class": "server", "attributes": {"cpu_count": "x"}},
    ]

    with pytest.raises(ValidationFailed) as exc:
        cis_import(SYSTEM, rows)

    assert list(exc.value.fields) == ["rows[2].attributes.cpu_count"]
    assert not ConfigurationItem.objects.exists()
