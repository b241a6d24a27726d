"""Demo surveys: a few resolved demo incidents their callers have rated, written through the
services, so the surveys list, the incidents' timelines and the CSAT report have figures."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.choices import Role
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.surveys import services
from steward.surveys.choices import Subject
from steward.surveys.models import Survey

ANSWERS = [
    (5, "Fixed within the hour, thank you!"),
    (4, ""),
    (5, "Very friendly on the phone."),
    (3, "Took a while, but it works now."),
    (2, "I had to explain the problem three times."),
    (4, "Good, clear instructions."),
]


def load() -> int:
    """Once (nothing when surveys exist): the newest resolved incidents of requesters (not
    alice, whom the journeys sign in as), each rated by its caller. Draws nothing from the
    demo's random numbers, so the other modules' data stay as they were."""
    if Survey.objects.exists():
        return 0
    system = Actor.system("demo")
    resolved = list(
        Incident.objects.select_related("caller")
        .filter(
            status__in=(Status.RESOLVED, Status.CLOSED),
            caller__groups__name=Role.REQUESTER,
            caller__is_active=True,
        )
        .exclude(caller__username="alice")
        .order_by("-resolved_at", "-id")[: len(ANSWERS)]
    )
    made = 0
    for incident, (rating, comment) in zip(resolved, ANSWERS, strict=False):
        survey = services.survey_invite(
            system,
            subject=Subject.INCIDENT,
            record=incident,
            requester=incident.caller,
            team_id=incident.team_id,
            key=f"demo:incident:{incident.pk}",
        )
        if survey is None:
            continue
        caller = Actor(user=incident.caller)
        services.survey_answer(caller, pk=survey.pk, rating=rating, comment=comment)
        made += 1
    return made
