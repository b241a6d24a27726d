"""Mail from the asset reminders, outbox consumers each:

- a contract about to end: one mail per owner team member (or the team's address), once per
  contract and threshold;
- an overdue loan: the holder and the asset's owner team (its address, or its members), once
  per loan and due date."""

from __future__ import annotations

from django.conf import settings

from steward.assets.models import Assignment, Contract
from steward.core import mail, outbox
from steward.core.models import OutboxMessage

KIND = "contract_expiring"
DOMAIN = "steward.local"


LOAN_KIND = "loan_overdue"


def _team_addresses(team) -> list[str]:  # noqa: ANN001 - a Team or None
    if team is None:
        return []
    if team.email:
        return [team.email.lower()]
    members = team.members.filter(is_active=True).exclude(email="")
    return sorted({m.email.lower() for m in members})


def recipients(contract: Contract) -> list[str]:
    return _team_addresses(contract.owner_team)


def loan_recipients(loan: Assignment) -> list[str]:
    """The holder (if active, with an address) and the asset's owner team."""
    holder = loan.person
    mine = [holder.email.lower()] if holder and holder.is_active and holder.email else []
    return sorted(set(mine) | set(_team_addresses(loan.asset.owner_team)))


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


@outbox.consumer("asset.loan_overdue")
def on_loan_overdue(event: OutboxMessage) -> int:
    loan = (
        Assignment.objects.select_related("asset__model", "asset__owner_team", "person")
        .filter(pk=event.object_id)
        .first()
    )
    if loan is None or loan.checked_in_at is not None or loan.due_back is None:
        return 0  # returned meanwhile: nothing to chase
    due = event.payload.get("due_back") or loan.due_back.isoformat()
    if due != loan.due_back.isoformat():
        return 0  # the loan was extended after the reminder was queued
    asset = loan.asset
    link = f"{settings.BASE_URL}/assets/{asset.number}/"
    holder = (loan.person.get_full_name() or loan.person.username) if loan.person else "—"
    mails = [
        mail.Mail(
            recipient=address,
            subject=f"[{asset.number}] {asset.model} was due back on {due}",
            body=(
                f"{asset.model} ({asset.number}, tag {asset.asset_tag}) lent to {holder} "
                f"was due back on {due}. Please return it, or ask the asset managers to "
                f"extend the loan.\n\n{link}\n"
            ),
            headers={"Message-ID": f"<{asset.number}.loan.{loan.pk}.{due}@{DOMAIN}>"},
        )
        for address in loan_recipients(loan)
    ]
    return mail.queue(key=f"loan:{loan.pk}:{due}", kind=LOAN_KIND, record=asset, mails=mails)
