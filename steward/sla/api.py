"""Routes for business calendars and SLA policies: agents read, administrators write."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.sla import selectors, services
from steward.sla.filters import CalendarFilters, PolicyFilters
from steward.sla.schemas import (
    CalendarCreateIn,
    CalendarDetailOut,
    CalendarOut,
    CalendarPatchIn,
    PolicyCreateIn,
    PolicyOut,
    PolicyPatchIn,
)

calendars = Router(tags=["calendars"])
policies = Router(tags=["sla"])


@calendars.get("", response=page_of(CalendarOut))
def list_calendars(request: HttpRequest, filters: Query[CalendarFilters]):
    return selectors.calendar_list(request.actor, **filters.dict())


@calendars.get("/{slug}", response=CalendarDetailOut)
def get_calendar(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.calendar_get(request.actor, slug=slug))


@calendars.post("", response={201: CalendarDetailOut})
def create_calendar(request: HttpRequest, response: HttpResponse, payload: CalendarCreateIn):
    data = payload.dict()
    calendar = create_with_key(
        request,
        scope="calendars",
        data=data,
        create=services.calendar_create,
        visible=selectors.calendar_visible,
    )
    return 201, tag(response, calendar)


@calendars.patch("/{slug}", response=CalendarDetailOut)
def patch_calendar(
    request: HttpRequest, response: HttpResponse, slug: str, payload: CalendarPatchIn
):
    calendar = services.calendar_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, calendar)


@policies.get("", response=page_of(PolicyOut))
def list_policies(request: HttpRequest, filters: Query[PolicyFilters]):
    return selectors.policy_list(request.actor, **filters.dict())


@policies.get("/{slug}", response=PolicyOut)
def get_policy(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.policy_get(request.actor, slug=slug))


@policies.post("", response={201: PolicyOut})
def create_policy(request: HttpRequest, response: HttpResponse, payload: PolicyCreateIn):
    data = payload.dict()
    policy = create_with_key(
        request,
        scope="sla-policies",
        data=data,
        create=services.policy_create,
        visible=selectors.policy_visible,
    )
    return 201, tag(response, policy)


@policies.patch("/{slug}", response=PolicyOut)
def patch_policy(request: HttpRequest, response: HttpResponse, slug: str, payload: PolicyPatchIn):
    policy = services.policy_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, policy)


ROUTERS = [("calendars", calendars), ("sla/policies", policies)]
