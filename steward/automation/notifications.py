"""The mail a rule's ``notify`` action sends: queued by the outbox's consumer, once per
event and recipient, in each reader's language (core.mail), threaded under the incident
as its other mail is (a requester's reply lands on the incident, through the mailbox the
incident came in by)."""

from __future__ import annotations

import hashlib

from steward.core import mail, outbox
from steward.core.models import OutboxMessage
from steward.incidents.models import Incident

KIND = "automation_notify"
DOMAIN = "steward.local"


def _addresses(incident: Incident, target: str) -> dict[str, str] | list[str]:
    if target == "team":
        team = incident.team
        if team is None:
            return []
        return [team.email] if team.email else mail.recipients(team.members.all())
    if target == "requester":
        return mail.recipients([incident.caller])
    return [target]


@outbox.consumer("automation.notify")
def on_notify(event: OutboxMessage) -> None:
    incident = Incident.objects.select_related("caller", "team").filter(pk=event.object_id).first()
    if incident is None:
        return
    addresses = _addresses(incident, str(event.payload.get("target", "")))
    mails = []
    context = {"incident": incident, "rule": event.payload.get("rule_name", "")}
    threading = mail.thread_headers(f"<{incident.number}@{DOMAIN}>", mail.thread_of(incident))
    for language, group in mail.by_language(addresses).items():
        subject, text = mail.render("automation/email/notify.txt", context, language=language)
        for address in group:
            digest = hashlib.sha256(address.encode()).hexdigest()[:12]
            mails.append(
                mail.Mail(
                    recipient=address,
                    subject=f"[{incident.number}] {subject}",
                    body=text.strip() + "\n",
                    headers={
                        "Message-ID": f"<{incident.number}.{event.pk}.{KIND}.{digest}@{DOMAIN}>",
                        **threading,
                        "X-Steward-Incident": incident.number,
                    },
                )
            )
    mail.queue(key=mail.event_key(event), kind=KIND, record=incident, mails=mails)
