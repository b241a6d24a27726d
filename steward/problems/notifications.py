"""Mail to the callers of a problem's incidents when it is fixed: an outbox consumer that
tells each caller once, honouring their opt-out."""

from __future__ import annotations

import hashlib

from django.conf import settings

from steward.core import mail, outbox
from steward.core.models import OutboxMessage
from steward.problems.models import Problem, ProblemIncident

DOMAIN = "steward.local"
KIND = "problem_fixed"


def once_key(problem: Problem) -> str:
    """Callers are told once per problem, however often it is resolved or closed."""
    return f"problem:{problem.pk}"


def callers_to_tell(problem: Problem) -> dict[str, tuple[str, list]]:
    """Address → the language that caller reads and their linked incidents, for active
    callers who want mail."""
    links = (
        ProblemIncident.objects.filter(problem=problem)
        .select_related("incident__caller")
        .order_by("incident__number")
    )
    found: dict[str, tuple[str, list]] = {}
    for link in links:
        caller = link.incident.caller
        if not caller.is_active or not caller.email or not caller.email_notifications:
            continue
        language = mail.language_of(caller)
        found.setdefault(caller.email.lower(), (language, []))[1].append(link.incident)
    return found


@outbox.consumer("problem.fixed")
def on_fixed(event: OutboxMessage) -> int:
    """Queue one mail per caller; the key is the problem, so a later fix tells nobody again."""
    problem = Problem.objects.filter(pk=event.object_id).first()
    if problem is None:
        return 0
    mails = []
    for address, (language, incidents) in sorted(callers_to_tell(problem).items()):
        subject, text = mail.render(
            f"problems/email/{KIND}.txt",
            {"problem": problem, "incidents": incidents, "link": f"{settings.BASE_URL}/"},
            language=language,
        )
        digest = hashlib.sha256(address.encode()).hexdigest()[:12]
        mails.append(
            mail.Mail(
                recipient=address,
                subject=f"[{problem.number}] {subject}",
                body=text.strip() + "\n",
                headers={
                    "Message-ID": f"<{problem.number}.{event.pk}.{digest}@{DOMAIN}>",
                    "X-Steward-Problem": problem.number,
                },
            )
        )
    return mail.queue(key=once_key(problem), kind=KIND, record=problem, mails=mails)
