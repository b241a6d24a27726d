"""Administrators' configuration creates checked a name (or slug) and then inserted: two
creates at once both passed the check. The database holds each rule (unique constraints;
case-blind where the check is: automation.0003, assets.0006), and a create that loses the
race is the 422 naming the field the check names, not a 500 and not a duplicate.

The race is played by letting every ``exists()`` check answer "free" (the other create
committed after it): the insert meets the row the check would have seen."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet
from django.utils import translation

from steward.assets import services as assets
from steward.assets.models import AssetModel, Category
from steward.automation import services as automation
from steward.automation.models import Rule
from steward.catalog import services as catalog
from steward.catalog.models import CatalogItem, Service
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Team
from steward.core.services import team_create, team_update
from steward.incidents.models import Category as IncidentCategory
from steward.incidents.services import configuration as categories
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services import mailbox_create, mailbox_update
from steward.sla import services as sla
from steward.sla.models import BusinessCalendar, SlaPolicy

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("races")
HOURS = [{"weekday": d, "start": "00:00", "end": "00:00"} for d in range(7)]


@pytest.fixture
def checks_see_nothing(monkeypatch):
    def lost():
        monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    return lost


def _refused(create, field, message):
    with pytest.raises(ValidationFailed) as exc:
        create()
    assert exc.value.status == 422
    assert exc.value.fields == {field: [message]}


def test_a_team_create_losing_the_race_names_the_name(admin_actor, checks_see_nothing):
    team_create(admin_actor, name="Service desk")
    checks_see_nothing()
    _refused(
        lambda: team_create(admin_actor, name="Service desk"),
        "name",
        "a team with this name already exists",
    )
    assert Team.objects.filter(name="Service desk").count() == 1


def _mailbox(name, slug, address):
    return mailbox_create(SYSTEM, name=name, slug=slug, address=address, kind="pipe")


@pytest.mark.parametrize(
    ("name", "slug", "address", "field", "message"),
    [
        ("Desk", "other", "other@x.test", "name", "a mailbox with this name already exists"),
        ("Other", "desk", "other@x.test", "slug", "a mailbox with this slug already exists"),
        ("Other", "other", "desk@x.test", "address", "another mailbox has this address"),
    ],
)
def test_a_mailbox_create_losing_the_race_names_the_field(
    checks_see_nothing, name, slug, address, field, message
):
    _mailbox("Desk", "desk", "desk@x.test")
    checks_see_nothing()
    _refused(lambda: _mailbox(name, slug, address), field, message)
    assert Mailbox.objects.count() == 1


def test_sla_policy_and_calendar_creates_losing_the_race_name_the_name(checks_see_nothing):
    sla.calendar_create(SYSTEM, name="24x7", slug="always", time_zone="UTC", working_hours=HOURS)
    policy = {
        "calendar": "always",
        "precedence": 100,
        "response_minutes": 30,
        "resolution_minutes": 240,
    }
    sla.policy_create(SYSTEM, name="Standard", slug="standard", **policy)
    checks_see_nothing()
    _refused(
        lambda: sla.calendar_create(
            SYSTEM, name="24x7", slug="always-2", time_zone="UTC", working_hours=HOURS
        ),
        "name",
        "a calendar with this name already exists",
    )
    _refused(
        lambda: sla.policy_create(SYSTEM, name="Standard", slug="standard-2", **policy),
        "name",
        "a policy with this name already exists",
    )
    assert (
        BusinessCalendar.objects.filter(name="24x7").count(),
        SlaPolicy.objects.filter(name="Standard").count(),
    ) == (1, 1)


def _rule(actor, name):
    return automation.rule_create(
        actor,
        name=name,
        conditions=[{"field": "title", "operator": "contains", "value": "vpn"}],
        actions=[{"action": "set_priority", "value": 2}],
    )


@pytest.mark.parametrize("second", ["Route VPN", "ROUTE vpn"])
def test_a_rule_create_losing_the_race_names_the_name_whatever_its_case(
    admin_actor, checks_see_nothing, second
):
    _rule(admin_actor, "Route VPN")
    checks_see_nothing()
    _refused(lambda: _rule(admin_actor, second), "name", "another rule has this name")
    assert Rule.objects.count() == 1


def test_a_rule_renamed_into_anothers_name_in_a_race_is_refused(admin_actor, checks_see_nothing):
    _rule(admin_actor, "Route VPN")
    other = _rule(admin_actor, "Route mail")
    checks_see_nothing()
    _refused(
        lambda: automation.rule_update(
            admin_actor, pk=other.pk, expected_version=None, changes={"name": "route vpn"}
        ),
        "name",
        "another rule has this name",
    )
    assert Rule.objects.get(pk=other.pk).name == "Route mail"


@pytest.mark.parametrize("second", [("Dell", "Latitude 7440"), ("DELL", "latitude 7440")])
def test_an_asset_model_create_losing_the_race_names_the_name(
    admin_actor, checks_see_nothing, second
):
    assets.category_create(SYSTEM, name="Laptop")
    assets.model_create(SYSTEM, manufacturer="Dell", name="Latitude 7440", category="laptop")
    checks_see_nothing()
    _refused(
        lambda: assets.model_create(
            SYSTEM, manufacturer=second[0], name=second[1], category="laptop"
        ),
        "name",
        "this manufacturer already has a model of this name",
    )
    assert AssetModel.objects.count() == 1


def test_an_asset_category_create_losing_the_race_names_the_name(checks_see_nothing):
    assets.category_create(SYSTEM, name="Laptop")
    checks_see_nothing()
    _refused(
        lambda: assets.category_create(SYSTEM, name="Laptop"),
        "name",
        "a category of this name exists",
    )
    assert Category.objects.count() == 1


# --- renames: the check before the update passed, a concurrent rename committed first ----


def test_a_team_renamed_into_anothers_name_in_a_race_is_refused(admin_actor, checks_see_nothing):
    team_create(admin_actor, name="Service desk")
    other = team_create(admin_actor, name="Network")
    checks_see_nothing()
    _refused(
        lambda: team_update(
            admin_actor, slug=other.slug, expected_version=None, changes={"name": "Service desk"}
        ),
        "name",
        "a team with this name already exists",
    )
    assert Team.objects.get(pk=other.pk).name == "Network"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "Desk"}, "name", "a mailbox with this name already exists"),
        ({"address": "desk@x.test"}, "address", "another mailbox has this address"),
    ],
    ids=["name", "address"],
)
def test_a_mailbox_renamed_into_anothers_in_a_race_names_the_field(
    checks_see_nothing, changes, field, message
):
    _mailbox("Desk", "desk", "desk@x.test")
    other = _mailbox("Other", "other", "other@x.test")
    checks_see_nothing()
    _refused(
        lambda: mailbox_update(SYSTEM, slug="other", expected_version=None, changes=changes),
        field,
        message,
    )
    assert Mailbox.objects.values_list("name", "address").get(pk=other.pk) == (
        "Other",
        "other@x.test",
    )


def test_sla_policy_and_calendar_renamed_in_a_race_name_the_name(checks_see_nothing):
    for name, slug in [("24x7", "always"), ("Office", "office")]:
        sla.calendar_create(SYSTEM, name=name, slug=slug, time_zone="UTC", working_hours=HOURS)
    policy = {"calendar": "always", "response_minutes": 30, "resolution_minutes": 240}
    sla.policy_create(SYSTEM, name="Standard", slug="standard", precedence=100, **policy)
    sla.policy_create(SYSTEM, name="Gold", slug="gold", precedence=10, **policy)
    checks_see_nothing()
    _refused(
        lambda: sla.calendar_update(
            SYSTEM, slug="office", expected_version=None, changes={"name": "24x7"}
        ),
        "name",
        "a calendar with this name already exists",
    )
    _refused(
        lambda: sla.policy_update(
            SYSTEM, slug="gold", expected_version=None, changes={"name": "Standard"}
        ),
        "name",
        "a policy with this name already exists",
    )
    assert (
        BusinessCalendar.objects.get(slug="office").name,
        SlaPolicy.objects.get(slug="gold").name,
    ) == ("Office", "Gold")


# --- the catalogue and incident categories -------------------------------------------------


def test_a_service_create_losing_the_race_names_the_field(admin_actor, checks_see_nothing):
    catalog.service_create(admin_actor, name="Email")
    checks_see_nothing()
    _refused(
        lambda: catalog.service_create(admin_actor, name="Email", slug="email-2"),
        "name",
        "a service with this name already exists",
    )
    _refused(
        lambda: catalog.service_create(admin_actor, name="Mail", slug="email"),
        "slug",
        "a service with this slug already exists",
    )
    assert Service.objects.count() == 1


def test_a_catalogue_item_create_losing_the_race_names_the_field(admin_actor, checks_see_nothing):
    catalog.item_create(admin_actor, name="New laptop")
    checks_see_nothing()
    _refused(
        lambda: catalog.item_create(admin_actor, name="New laptop", slug="laptop-2"),
        "name",
        "a catalogue item with this name already exists",
    )
    _refused(
        lambda: catalog.item_create(admin_actor, name="Laptop", slug="new-laptop"),
        "slug",
        "a catalogue item with this slug already exists",
    )
    assert CatalogItem.objects.count() == 1


def test_services_and_items_renamed_into_a_taken_name_are_refused(admin_actor):
    """Their updates had no check at all: the constraint is the check."""
    catalog.service_create(admin_actor, name="Email")
    catalog.service_create(admin_actor, name="Phones")
    catalog.item_create(admin_actor, name="New laptop")
    catalog.item_create(admin_actor, name="New phone")
    _refused(
        lambda: catalog.service_update(
            admin_actor, slug="phones", expected_version=None, changes={"name": "Email"}
        ),
        "name",
        "a service with this name already exists",
    )
    _refused(
        lambda: catalog.item_update(
            admin_actor, slug="new-phone", expected_version=None, changes={"name": "New laptop"}
        ),
        "name",
        "a catalogue item with this name already exists",
    )
    assert sorted(Service.objects.values_list("name", flat=True)) == ["Email", "Phones"]
    assert sorted(CatalogItem.objects.values_list("name", flat=True)) == ["New laptop", "New phone"]


def test_an_incident_category_created_or_renamed_in_a_race_names_the_name(
    admin_actor, checks_see_nothing
):
    categories.category_create(admin_actor, name="Badges")
    categories.category_create(admin_actor, name="Lost", parent="badges")
    categories.category_create(admin_actor, name="Broken", parent="badges")
    checks_see_nothing()
    _refused(
        lambda: categories.category_create(admin_actor, name="Badges"),
        "name",
        "there is already a category 'Badges' at the top level",
    )
    _refused(
        lambda: categories.category_create(admin_actor, name="Lost", parent="badges"),
        "name",
        "there is already a category 'Lost' under Badges",
    )
    _refused(
        lambda: categories.category_update(
            admin_actor, slug="badges-broken", changes={"name": "Lost"}
        ),
        "name",
        "there is already a category 'Lost' under Badges",
    )
    made = IncidentCategory.objects.filter(slug__startswith="badges")
    assert sorted(made.values_list("name", flat=True)) == ["Badges", "Broken", "Lost"]


def test_a_top_level_category_renamed_in_a_race_names_the_name(admin_actor, checks_see_nothing):
    """A rename keeps the slug, and the (parent, name) constraint holds no top-level name
    (NULL parents never equal each other): incidents 0022's partial constraint holds it."""
    categories.category_create(admin_actor, name="Badges")
    categories.category_create(admin_actor, name="Printers")
    checks_see_nothing()
    _refused(
        lambda: categories.category_update(
            admin_actor, slug="printers", changes={"name": "Badges"}
        ),
        "name",
        "there is already a category 'Badges' at the top level",
    )
    top = IncidentCategory.objects.filter(parent=None, name__in=["Badges", "Printers"])
    assert sorted(top.values_list("name", flat=True)) == ["Badges", "Printers"]


@pytest.mark.parametrize(
    ("make", "field", "german"),
    [
        (
            lambda: sla.calendar_create(
                SYSTEM, name="24x7", slug="always-2", time_zone="UTC", working_hours=HOURS
            ),
            "name",
            "einen Kalender mit diesem Namen gibt es schon",
        ),
        (
            lambda: sla.calendar_create(
                SYSTEM, name="Other", slug="always", time_zone="UTC", working_hours=HOURS
            ),
            "slug",
            "einen Kalender mit diesem Kurznamen gibt es schon",
        ),
        (
            lambda: sla.calendar_update(
                SYSTEM, slug="office", expected_version=None, changes={"name": "24x7"}
            ),
            "name",
            "einen Kalender mit diesem Namen gibt es schon",
        ),
        (
            lambda: catalog.service_create(SYSTEM, name="Email", slug="email-2"),
            "name",
            "einen Service mit diesem Namen gibt es schon",
        ),
        (
            lambda: catalog.item_create(SYSTEM, name="Laptop", slug="new-laptop"),
            "slug",
            "einen Katalogeintrag mit diesem Kurznamen gibt es schon",
        ),
        (
            lambda: _mailbox("Other", "desk", "other@x.test"),
            "slug",
            "ein Postfach mit diesem Kurznamen gibt es schon",
        ),
    ],
    ids=["calendar-name", "calendar-slug", "calendar-rename", "service", "item", "mailbox"],
)
def test_a_taken_name_or_slug_is_refused_in_whole_german(make, field, german):
    """Not "dieser Name ist schon vergeben (calendar)": the noun stayed English when it was
    put into one shared sentence."""
    for name, slug in (("24x7", "always"), ("Office", "office")):
        sla.calendar_create(SYSTEM, name=name, slug=slug, time_zone="UTC", working_hours=HOURS)
    catalog.service_create(SYSTEM, name="Email")
    catalog.item_create(SYSTEM, name="New laptop")
    _mailbox("Desk", "desk", "desk@x.test")

    with translation.override("de"):
        _refused(make, field, german)
