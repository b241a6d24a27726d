"""Demo data for ``steward demo``: a Berlin office calendar and policies P1 to P5."""

from __future__ import annotations

from django.db import transaction

from steward.core.actor import Actor
from steward.sla import services
from steward.sla.models import BusinessCalendar, SlaPolicy

CALENDAR = "berlin-office"
DAY = 9 * 60  # business minutes in a working day of the demo calendar
# priority, name, response minutes, resolution minutes
TARGETS = [
    (1, "P1 Critical", 15, 4 * 60),
    (2, "P2 High", 60, 8 * 60),
    (3, "P3 Moderate", 4 * 60, 3 * DAY),
    (4, "P4 Low", DAY, 10 * DAY),
    (5, "P5 Planning", 3 * DAY, 20 * DAY),
]


@transaction.atomic
def load() -> BusinessCalendar:
    """Create the demo calendar and policies; a second call changes nothing."""
    actor = Actor.system("demo")
    calendar = BusinessCalendar.objects.filter(slug=CALENDAR).first()
    if calendar is None:
        hours = [
            {"weekday": day, "start": start, "end": end}
            for day in range(5)
            for start, end in (("08:00", "12:00"), ("13:00", "18:00"))
        ]
        calendar = services.calendar_create(
            actor,
            name="Berlin office hours",
            slug=CALENDAR,
            time_zone="Europe/Berlin",
            holiday_country="DE",
            holiday_subdivision="BE",
            working_hours=hours,
            closures=[
                {"date": "2026-12-24", "name": "Christmas Eve (company holiday)"},
                {"date": "2026-12-31", "name": "New Year's Eve (company holiday)"},
            ],
        )
    for priority, name, response, resolution in TARGETS:
        slug = f"p{priority}"
        if not SlaPolicy.objects.filter(slug=slug).exists():
            services.policy_create(
                actor,
                name=name,
                slug=slug,
                calendar=CALENDAR,
                priorities=[priority],
                precedence=priority * 10,
                response_minutes=response,
                resolution_minutes=resolution,
            )
    return calendar
