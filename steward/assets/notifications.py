"""Mail to a contract's owner team when it is about to end: an outbox consumer queueing one
mail per team member (or the team's address), once per contract and threshold."""

from __future__ import annotations

from django.conf import settings

from steward.assets.models import Contract
from steward.core import mail, outbox
from steward.core.models import OutboxMessage

KIND = "contract_expiring"
DOMAIN = "steward.local"


def recipients(contract: Contract) -> list[str]:
    team = contract.owner_team
    if team is None:
        return []
    if team.email:
        return [team.email.lower()]
    members = team.members.filter(is_active=True).exclude(email="")
    return sorted({m.email.lower() for m in members})


@outbox.consumer("contract.expiring")
def on_expiring(event: OutboxMessage) -> int:
    contract = Contract.objects.select_related("owner_team").filter(pk=event.object_id).first()
    if contract is None:
        return 0
    days = event.payload.get("days")
    link = f"{settings.BASE_URL}/assets/contracts/"
    mails = [
        mail.Mail(
            recipient=address,
            subject=f"[{contract.number}] {contract.title} ends in {days} days",
            body=(
                f"{contract.kind.title()} contract {contract.number} with {contract.vendor} "
                f"ends on {contract.end_date.isoformat()} ({days} days).\n\n{link}\n"
            ),
            headers={"Message-ID": f"<{contract.number}.{days}.{event.pk}@{DOMAIN}>"},
        )
        for address in recipients(contract)
    ]
    return mail.queue(key=f"contract:{contract.pk}:{days}", kind=KIND, record=contract, mails=mails)
