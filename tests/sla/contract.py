"""Contract-suite resources for the SLA API, for ``tests/contract/registry.py`` to list:

    from tests.sla.contract import CALENDARS, SLA_POLICIES
    RESOURCES = [..., CALENDARS, SLA_POLICIES]

Both are configuration that only administrators write and requesters never read. Every
agent reads every calendar; a policy for some organisations is seen only by agents serving
one of them (general policies by all agents), like an organisation's records.

Calendars have no record hidden from the ``reader``, so the two contract tests that need
one (``test_list_is_a_page_of_visible_records``, ``test_an_invisible_record_answers_exactly_
like_an_absent_one``) must skip resources where ``"stranger" in visible[reader]``.
"""

from __future__ import annotations

from steward.core.models import User
from steward.sla.models import BusinessCalendar, SlaPolicy
from steward.sla.services import calendar_create, policy_create
from tests.contract.registry import ORG_SCOPED, ROLES, Resource, new_tag
from tests.sla.conftest import SYSTEM, office_hours

CONFIGURATION = {
    "admin": set(ROLES),
    "agent": set(ROLES),
    "requester": set(),
    "stranger": set(ROLES),
}
SHARED_CALENDAR = "contract-office"


def make_calendar(owner: User, tag: str, slug: str = "") -> BusinessCalendar:
    return calendar_create(
        SYSTEM,
        name=f"Calendar {tag}",
        slug=slug or f"cal-{tag}",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        working_hours=office_hours(),
    )


def _shared_calendar() -> str:
    if not BusinessCalendar.objects.filter(slug=SHARED_CALENDAR).exists():
        make_calendar(None, "shared", slug=SHARED_CALENDAR)
    return SHARED_CALENDAR


def calendar_payload(tag: str) -> dict:
    return {
        "name": f"New calendar {tag}",
        "slug": f"new-cal-{tag}",
        "time_zone": "America/New_York",
        "holiday_country": "US",
        "working_hours": [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)],
    }


CALENDARS = Resource(
    name="calendars",
    collection="/api/v1/calendars",
    model=BusinessCalendar,
    key="slug",
    make=make_calendar,
    visible=CONFIGURATION,
    list_query_ceiling=8,
    create_payload=calendar_payload,
    patch_payload=lambda tag: {"name": f"Patched calendar {tag}", "holiday_subdivision": "BE"},
    filters={"q": lambda match, other: match.name},
)


def make_policy(owner: User, tag: str) -> SlaPolicy:
    """A policy for the owner's organisation (a general one for an owner without one)."""
    organisation = owner.served_organisations.order_by("id").first() or owner.organisation
    return policy_create(
        SYSTEM,
        name=f"Policy {tag}",
        slug=f"pol-{tag}",
        calendar=_shared_calendar(),
        organisations=[organisation.slug] if organisation else [],
        priorities=[2],
        response_minutes=60,
        resolution_minutes=480,
    )


def policy_payload(tag: str) -> dict:
    return {
        "name": f"New policy {tag}",
        "slug": f"new-pol-{tag}",
        "calendar": _shared_calendar(),
        "priorities": [1],
        "categories": ["network"],
        "response_minutes": 15,
        "resolution_minutes": 240,
    }


def _on_another_calendar(match: SlaPolicy, other: SlaPolicy) -> str:
    calendar = make_calendar(None, new_tag())
    SlaPolicy.objects.filter(pk=match.pk).update(calendar=calendar)
    return calendar.slug


def _other_inactive(match: SlaPolicy, other: SlaPolicy) -> str:
    SlaPolicy.objects.filter(pk=other.pk).update(is_active=False)
    return "true"


SLA_POLICIES = Resource(
    name="sla-policies",
    collection="/api/v1/sla/policies",
    model=SlaPolicy,
    key="slug",
    make=make_policy,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    create_payload=policy_payload,
    patch_payload=lambda tag: {"response_minutes": 30, "warning_percent": 80},
    filters={
        "q": lambda match, other: match.name,
        "calendar": _on_another_calendar,
        "is_active": _other_inactive,
    },
)
