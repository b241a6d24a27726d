"""Every read of SLA configuration and clocks, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Organisation
from steward.core.pagination import Page, paginate
from steward.sla import business_time
from steward.sla.business_time import CalendarSpec
from steward.sla.choices import ClockKind, ClockState
from steward.sla.models import BusinessCalendar, SlaClock, SlaPolicy

MINUTES_PER_DAY = business_time.MINUTES_PER_DAY
# context key → policy field holding the accepted values
CONDITIONS = {
    "priority": "priorities",
    "category": "categories",
    "service": "services",
    "organisation": "organisations",
}


def calendar_visible(actor: Actor) -> QuerySet[BusinessCalendar]:
    """Calendars are configuration: agents (and the system) read them, requesters do not."""
    qs = BusinessCalendar.objects.all()
    return qs if actor.is_agent else qs.none()


def calendar_list(
    actor: Actor, *, q: str = "", cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of calendars by name, with their hours and closures loaded."""
    qs = calendar_visible(actor).prefetch_related("working_hours", "closures")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)


def calendar_get(actor: Actor, *, slug: str, for_update: bool = False) -> BusinessCalendar:
    """One visible calendar; locked when ``for_update``."""
    qs = calendar_visible(actor)
    # A locked calendar is about to change its hours: no prefetch cache to go stale.
    qs = qs.select_for_update() if for_update else qs.prefetch_related("working_hours", "closures")
    calendar = qs.filter(slug=slug).first()
    if calendar is None:
        raise NotFound()
    return calendar


def policy_visible(actor: Actor) -> QuerySet[SlaPolicy]:
    """Agents read policies, requesters do not; an agent limited to some organisations sees
    the general ones and those for an organisation it serves (a customer's SLA is theirs)."""
    qs = SlaPolicy.objects.all()
    if not actor.is_agent:
        return qs.none()
    served = core_selectors.served_organisation_ids(actor)
    if served is None:
        return qs
    slugs = set(Organisation.objects.filter(id__in=served).values_list("slug", flat=True))
    # Policies are few (tens): matching the JSON lists here works on SQLite and PostgreSQL.
    ids = [
        pk
        for pk, organisations in SlaPolicy.objects.values_list("id", "organisations")
        if not organisations or slugs.intersection(organisations)
    ]
    return qs.filter(id__in=ids)


def policy_list(
    actor: Actor,
    *,
    q: str = "",
    calendar: str = "",
    is_active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of policies in the order they are tried (precedence, then id)."""
    qs = policy_visible(actor).select_related("calendar")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    if calendar:
        qs = qs.filter(calendar__slug=calendar)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return paginate(qs, order=("precedence", "id"), cursor=cursor, limit=limit)


def policy_get(actor: Actor, *, slug: str, for_update: bool = False) -> SlaPolicy:
    """One visible policy; locked when ``for_update``."""
    qs = policy_visible(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    policy = qs.select_related("calendar").filter(slug=slug).first()
    if policy is None:
        raise NotFound()
    return policy


def policy_matches(policy: SlaPolicy, context: Mapping[str, Any]) -> bool:
    """Every non-empty condition list must contain the context's value for its key."""
    for key, field in CONDITIONS.items():
        accepted = getattr(policy, field)
        if accepted and context.get(key) not in accepted:
            return False
    return True


def policy_for(context: Mapping[str, Any]) -> SlaPolicy | None:
    """The first active policy by precedence whose conditions match ``context``.

    ``context`` keys: ``priority`` (1-5), ``category``, ``service``, ``organisation`` (slug).
    """
    policies = SlaPolicy.objects.filter(is_active=True).select_related("calendar")
    return next(
        (p for p in policies.order_by("precedence", "id") if policy_matches(p, context)), None
    )


def end_minute(value: dt.time) -> int:
    """An interval's end in minutes of the day; 00:00 is midnight at the end (1440)."""
    minutes = value.hour * 60 + value.minute
    return minutes or MINUTES_PER_DAY


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The ORM-free description ``business_time`` computes on (two queries, or none if
    hours and closures are prefetched)."""
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for row in calendar.working_hours.all():
        weekly[row.weekday].append((row.start.hour * 60 + row.start.minute, end_minute(row.end)))
    return CalendarSpec(
        time_zone=calendar.time_zone,
        weekly=tuple(tuple(sorted(day)) for day in weekly),
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        closures=frozenset(c.date for c in calendar.closures.all()),
    )


class SpecCache:
    """Calendar specs by calendar id, built once per use case."""

    def __init__(self) -> None:
        self._specs: dict[int, CalendarSpec] = {}

    def __call__(self, calendar: BusinessCalendar) -> CalendarSpec:
        if calendar.pk not in self._specs:
            self._specs[calendar.pk] = calendar_spec(calendar)
        return self._specs[calendar.pk]


def record_ref(record: models.Model) -> tuple[ContentType, str]:
    """How a clock points at its record: content type and primary key as text."""
    return ContentType.objects.get_for_model(record, for_concrete_model=True), str(record.pk)


def kind_order(clock: SlaClock) -> int:
    """Response before resolution, as the targets come in a record's life."""
    return ClockKind.values.index(clock.kind)


@dataclass(frozen=True)
class ClockStatus:
    """What an agent sees of one clock: time left in business seconds, due time, breach."""

    kind: str
    policy: str
    policy_name: str
    state: str
    paused: bool
    started_at: dt.datetime
    due_at: dt.datetime | None  # None while paused: the due time moves until it resumes
    stopped_at: dt.datetime | None
    target_seconds: int
    elapsed_seconds: int
    time_left_seconds: int  # negative when overdue
    warned: bool
    breached: bool


def clock_elapsed(clock: SlaClock, spec: CalendarSpec, at: dt.datetime) -> int:
    """Business seconds the clock has counted by ``at``."""
    if clock.state != ClockState.RUNNING or clock.running_since is None:
        return clock.consumed_seconds
    running = business_time.business_seconds_between(
        spec, clock.running_since, max(at, clock.running_since)
    )
    return clock.consumed_seconds + running


def clocks_for(
    actor: Actor, record: models.Model, *, now: dt.datetime | None = None
) -> list[ClockStatus]:
    """The clocks of a record the caller has already been allowed to see, response first."""
    return clocks_for_many(actor, [record], now=now).get(str(record.pk), [])


def clocks_for_many(
    actor: Actor, records: list[models.Model], *, now: dt.datetime | None = None
) -> dict[str, list[ClockStatus]]:
    """Clocks of a page of records of one type, by record pk (as text); one query for the
    clocks plus two per distinct calendar, however many records."""
    if not records:
        return {}
    now = now or timezone.now()
    content_type, _ = record_ref(records[0])
    clocks = SlaClock.objects.filter(
        content_type=content_type, object_id__in=[str(r.pk) for r in records]
    ).select_related("policy__calendar")
    specs = SpecCache()
    result: dict[str, list[ClockStatus]] = {}
    for clock in sorted(clocks, key=kind_order):
        elapsed = clock_elapsed(clock, specs(clock.policy.calendar), now)
        paused = clock.state == ClockState.PAUSED
        result.setdefault(clock.object_id, []).append(
            ClockStatus(
                kind=clock.kind,
                policy=clock.policy.slug,
                policy_name=clock.policy.name,
                state=clock.state,
                paused=paused,
                started_at=clock.started_at,
                due_at=None if paused else clock.due_at,
                stopped_at=clock.stopped_at,
                target_seconds=clock.target_seconds,
                elapsed_seconds=elapsed,
                time_left_seconds=clock.target_seconds - elapsed,
                warned=clock.warned or elapsed >= clock.warn_seconds,
                breached=clock.breached or elapsed > clock.target_seconds,
            )
        )
    return result
