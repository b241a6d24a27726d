"""Mail to the callers of a problem's incidents when it is fixed: an outbox consumer that
tells each caller once, honouring their opt-out."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from steward.core import outbox
from steward.core.models import OutboxMessage
from steward.problems.models import Problem, ProblemIncident, ProblemNotification

DOMAIN = "steward.local"
KIND = "problem_fixed"


def callers_to_tell(problem: Problem) -> dict[str, list]:
    """Address → that caller's linked incidents, for active callers who want mail."""
    links = (
        ProblemIncident.objects.filter(problem=problem)
        .select_related("incident__caller")
        .order_by("incident__number")
    )
    found: dict[str, list] = {}
    for link in links:
        caller = link.incident.caller
        if not caller.is_active or not caller.email or not caller.email_notifications:
            continue
        found.setdefault(caller.email.lower(), []).append(link.incident)
    return found


@outbox.consumer("problem.fixed")
def on_fixed(event: OutboxMessage) -> int:
    problem = Problem.objects.filter(pk=event.object_id).first()
    if problem is None:
        return 0
    sent = 0
    for address, incidents in sorted(callers_to_tell(problem).items()):
        try:
            with transaction.atomic():
                # the row first: a second dispatch of this or a later event finds it and stops
                ProblemNotification.objects.create(
                    problem=problem, recipient=address, kind=KIND, event_id=event.pk
                )
                body = render_to_string(
                    f"problems/email/{KIND}.txt",
                    {
                        "problem": problem,
                        "incidents": incidents,
                        "link": f"{settings.BASE_URL}/",
                    },
                )
                subject, _, text = body.partition("\n")
                digest = hashlib.sha256(address.encode()).hexdigest()[:12]
                EmailMessage(
                    subject=f"[{problem.number}] {subject.strip()}",
                    body=text.strip() + "\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[address],
                    headers={
                        "Message-ID": f"<{problem.number}.{event.pk}.{digest}@{DOMAIN}>",
                        "X-Steward-Problem": problem.number,
                    },
                ).send()
                sent += 1
        except IntegrityError:
            continue  # already told: at-least-once dispatch, once delivery
    return sent
