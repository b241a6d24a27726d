"""Email notifications: outbox consumers that queue each mail once per event and recipient.

Subjects carry the incident number and every message threads under the incident's root
Message-ID, so replies can be matched to the incident later (mail polling).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from django.conf import settings

from steward.cmdb import selectors as cmdb_selectors
from steward.core import mail, outbox
from steward.core.actor import Actor
from steward.core.models import Comment, OutboxMessage, Team, User
from steward.incidents.models import Incident, IncidentSettings

DOMAIN = "steward.local"


def thread_id(incident: Incident) -> str:
    return f"<{incident.number}@{DOMAIN}>"


def _recipients(users: Iterable[User | None], *, exclude: User | None = None) -> dict[str, str]:
    """Each person's address with the language they read Steward in (their profile's)."""
    return mail.recipients(users, exclude=exclude)


def send(
    event: OutboxMessage,
    incident: Incident,
    kind: str,
    recipients: Mapping[str, str] | Iterable[str],
    *,
    key: str | None = None,
    **context: object,
) -> int:
    """Render ``kind`` in each recipient's language (the reader's, not the sender's: once per
    language) and queue it for each recipient not yet told about this event (or ``key``)."""
    # threaded under the caller's own message when the incident came by mail
    threading = mail.thread_headers(thread_id(incident), mail.thread_of(incident))
    mails = []
    for language, addresses in mail.by_language(recipients).items():
        subject, text = mail.render(
            f"incidents/email/{kind}.txt", {"incident": incident, **context}, language=language
        )
        mails += _mails(event, incident, kind, addresses, subject, text, threading)
    # at-least-once dispatch, once delivery: the core table drops what was queued before
    return mail.queue(key=key or mail.event_key(event), kind=kind, record=incident, mails=mails)


def _mails(
    event: OutboxMessage,
    incident: Incident,
    kind: str,
    addresses: list[str],
    subject: str,
    text: str,
    threading: dict,
) -> list[mail.Mail]:
    mails = []
    for address in addresses:
        digest = hashlib.sha256(address.encode()).hexdigest()[:12]
        mails.append(
            mail.Mail(
                recipient=address,
                subject=f"[{incident.number}] {subject.strip()}",
                body=text.strip() + "\n",
                headers={
                    "Message-ID": f"<{incident.number}.{event.pk}.{kind}.{digest}@{DOMAIN}>",
                    **threading,
                    "X-Steward-Incident": incident.number,
                },
            )
        )
    return mails


def _incident(event: OutboxMessage) -> Incident | None:
    return (
        Incident.objects.select_related("caller", "assignee", "team", "team__lead")
        .filter(pk=event.object_id)
        .first()
    )


@outbox.consumer("incident.assigned")
def on_assigned(event: OutboxMessage) -> None:
    incident = _incident(event)
    if incident is None or incident.status in ("resolved", "closed", "cancelled"):
        return
    if incident.assignee is not None:
        if incident.assignee_id == event.payload.get("by"):
            return  # an agent who took it, or assigned it to themself, knows
        send(event, incident, "assigned_to_you", _recipients([incident.assignee]))
    elif incident.team is not None:
        team: Team = incident.team
        addresses = [team.email] if team.email else _recipients(team.members.all())
        send(event, incident, "assigned_to_team", addresses, team=team)


@outbox.consumer("incident.created")
def on_created(event: OutboxMessage) -> None:
    # nearly every incident is not major, and the payload says so: nothing is read. One made
    # major later is announced by its update's ``incident.made_major`` (decision 0067).
    if event.payload.get("is_major") is False:
        return
    _announce_major(event, promotion=0)


@outbox.consumer("incident.made_major")
def on_made_major(event: OutboxMessage) -> None:
    _announce_major(event, promotion=event.payload.get("promotion"))


def _announce_major(event: OutboxMessage, *, promotion: object) -> None:
    """The major-incident mail for the incident's ``promotion``-th time made major (0: as
    created), once per (incident, promotion) and recipient whichever event or delivery sends
    it; not at all if the incident is no longer major, or was demoted and made major again
    since (that later promotion's event announces it)."""
    incident = _incident(event)
    if incident is None or not incident.is_major or incident.major_promotions != promotion:
        return
    key = f"major:{incident.pk}:{promotion}"
    config = IncidentSettings.objects.first()
    listed = set(config.major_incident_emails.split() if config else [])
    service = incident.affected_service
    # the administrator's list is told everything; the team lead only what they may see
    send(event, incident, "major_incident", sorted(listed), key=key, service=service)
    lead = incident.team.lead if incident.team else None
    lead_addresses = {a: lang for a, lang in _recipients([lead]).items() if a not in listed}
    if lead_addresses:
        if service is not None and not (
            cmdb_selectors.ci_nameable(Actor(user=lead)).filter(pk=service.pk).exists()
        ):
            service = None
        send(event, incident, "major_incident", lead_addresses, key=key, service=service)


@outbox.consumer("incident.commented")
def on_commented(event: OutboxMessage) -> None:
    if event.payload.get("internal"):
        return
    incident = _incident(event)
    comment = (
        Comment.objects.select_related("author").filter(pk=event.payload.get("comment")).first()
    )
    if incident is None or comment is None:
        return
    send(
        event,
        incident,
        "public_reply",
        _recipients([incident.caller, *incident.watchers.all()], exclude=comment.author),
        comment=comment,
        link=f"{settings.BASE_URL}/incidents/{incident.number}/",
    )


@outbox.consumer("incident.resolved")
def on_resolved(event: OutboxMessage) -> None:
    incident = _incident(event)
    if incident is None:
        return
    config = IncidentSettings.objects.first()
    send(
        event,
        incident,
        "resolved",
        _recipients([incident.caller]),
        reopen_days=config.reopen_days if config else 7,
        link=f"{settings.BASE_URL}/incidents/{incident.number}/",
    )


@outbox.consumer("sla.warning", "sla.breached")
def on_sla(event: OutboxMessage) -> None:
    """Tell the assignee and the team lead before (warning) and after (breach) a target."""
    if event.payload.get("record_type") != "incidents.incident":
        return
    incident = (
        Incident.objects.select_related("assignee", "team", "team__lead")
        .filter(pk=event.payload.get("record_id"))
        .first()
    )
    if incident is None:
        return
    people = [incident.assignee, incident.team.lead if incident.team else None]
    kind = "sla_warning" if event.topic == "sla.warning" else "sla_breach"
    send(
        event,
        incident,
        kind,
        _recipients(people),
        target=event.payload.get("kind", ""),
        due=event.payload.get("due_at", ""),
    )
