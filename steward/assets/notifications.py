"""Mail from the asset reminders, outbox consumers each, written in each reader's language
(a person's profile's; a team's own address reads the site's, decision 0026):

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


def _team_addresses(team) -> dict[str, str]:  # noqa: ANN001 - a Team or None
    """The team's address (no one's profile: the site's language), else its active members'
    with the language each reads."""
    if team is None:
        return {}
    if team.email:
        return {team.email.lower(): mail.language_of(None)}
    members = team.members.filter(is_active=True).exclude(email="")
    return {m.email.lower(): mail.language_of(m) for m in members}


def recipients(contract: Contract) -> dict[str, str]:
    """Address → language of the contract's owner team."""
    return dict(sorted(_team_addresses(contract.owner_team).items()))


def loan_recipients(loan: Assignment) -> dict[str, str]:
    """Address → language of the holder (if active, with an address) and the asset's owner
    team."""
    holder = loan.person
    found = _team_addresses(loan.asset.owner_team)
    if holder and holder.is_active and holder.email:
        found[holder.email.lower()] = mail.language_of(holder)
    return dict(sorted(found.items()))


def _written(template: str, context: dict, language: str) -> tuple[str, str]:
    subject, text = mail.render(f"assets/email/{template}.txt", context, language=language)
    return subject, text.strip() + "\n"


@outbox.consumer("contract.expiring")
def on_expiring(event: OutboxMessage) -> int:
    contract = Contract.objects.select_related("owner_team").filter(pk=event.object_id).first()
    if contract is None:
        return 0
    days = event.payload.get("days")
    context = {
        "contract": contract,
        "days": days,
        "end_date": contract.end_date.isoformat(),
        "link": f"{settings.BASE_URL}/assets/contracts/",
    }
    mails = _mails(
        KIND,
        context,
        recipients(contract),
        number=contract.number,
        message_id=f"<{contract.number}.{days}.{event.pk}@{DOMAIN}>",
    )
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
    holder = (loan.person.get_full_name() or loan.person.username) if loan.person else "—"
    context = {
        "asset": asset,
        "due": due,
        "holder": holder,
        "link": f"{settings.BASE_URL}/assets/{asset.number}/",
    }
    mails = _mails(
        LOAN_KIND,
        context,
        loan_recipients(loan),
        number=asset.number,
        message_id=f"<{asset.number}.loan.{loan.pk}.{due}@{DOMAIN}>",
    )
    return mail.queue(key=f"loan:{loan.pk}:{due}", kind=LOAN_KIND, record=asset, mails=mails)


def _mails(
    kind: str, context: dict, readers: dict[str, str], *, number: str, message_id: str
) -> list[mail.Mail]:
    """One reminder per reader (address → language), written in that reader's language,
    the record's number in the subject."""
    mails = []
    for address, language in readers.items():
        subject, body = _written(kind, context, language)
        mails.append(
            mail.Mail(
                recipient=address,
                subject=f"[{number}] {subject}",
                body=body,
                headers={"Message-ID": message_id},
            )
        )
    return mails
