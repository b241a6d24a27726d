"""Migration 0009 turns incidents' CI and service text into CMDB references, and keeps what it
cannot map in the description."""

import datetime as dt

import pytest

from steward.core.actor import Actor
from steward.sla import services as sla
from tests import factories
from tests.migration_steps import migrate, migrate_to_before

# an empty database of the test's own, migrated forward to the state before 0009: taking the
# worker's test database back to 0008 unapplied 27 migrations in five apps, and 24 of them
# were migrated again after the test (tests/migration_steps.py, docs/testing.md "suite42")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("scratch_database"),
]

BEFORE = [("incidents", "0008_sent_once_moves_to_core")]
AFTER = [("incidents", "0011_drop_text_references")]


CMDB = [("cmdb", "0005_ci_class_name_index")]


def test_text_values_map_to_cis_and_the_rest_is_kept_in_the_description(capsys):
    apps = migrate_to_before(BEFORE, BEFORE + CMDB)
    classes = apps.get_model("cmdb", "CIClass").objects
    cis = apps.get_model("cmdb", "ConfigurationItem").objects
    server = cis.create(number="CI0000001", name="web-1", ci_class=classes.get(slug="server"))
    shop = cis.create(
        number="CI0000002", name="Web Shop", ci_class=classes.get(slug="business_service")
    )
    caller = factories.requester(username="caller")
    incidents = apps.get_model("incidents", "Incident").objects
    now = dt.datetime.now(dt.UTC)

    def incident(n, **text):
        return incidents.create(
            number=f"INC000000{n}", title=f"#{n}", caller_id=caller.pk, opened_at=now, **text
        )

    incident(1, configuration_item="ci0000001", affected_service="web shop")
    incident(2, configuration_item="CI0000009", affected_service=shop.number, description="Hi.")
    incident(3, affected_service="web-1")  # a CI, but not a service
    incident(4)
    calendar = sla.calendar_create(
        Actor.system("tests"),
        name="24x7",
        slug="always",
        time_zone="UTC",
        working_hours=[{"weekday": d, "start": "00:00", "end": "00:00"} for d in range(7)],
    )
    policy = sla.policy_create(
        Actor.system("tests"),
        name="Shop",
        slug="shop",
        calendar=calendar.slug,
        response_minutes=5,
        resolution_minutes=60,
        services=["Web Shop", "no such service"],
    )

    apps = migrate(AFTER, AFTER + CMDB)

    rows = {
        i["number"][-1]: i
        for i in apps.get_model("incidents", "Incident")
        .objects.order_by("number")
        .values("number", "configuration_item_id", "affected_service_id", "description")
    }
    assert rows["1"] == {
        "number": "INC0000001",
        "configuration_item_id": server.pk,
        "affected_service_id": shop.pk,
        "description": "",
    }
    assert (rows["2"]["configuration_item_id"], rows["2"]["affected_service_id"]) == (
        None,
        shop.pk,
    )
    assert rows["2"]["description"] == "Hi.\n\nConfiguration item (unmapped): CI0000009"
    assert rows["3"]["affected_service_id"] is None
    assert rows["3"]["description"] == "Affected service (unmapped): web-1"
    assert rows["4"]["description"] == ""
    policy.refresh_from_db()
    assert policy.services == [shop.number, "no such service"]
    assert "2 unmapped" in capsys.readouterr().out
