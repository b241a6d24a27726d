"""Overdue loans: the reminder the worker sends the holder (and the asset's owner team) once
per loan and due date.

As with contract reminders, the ``LoanReminder`` row is inserted in the same transaction as
the outbox event, under a unique constraint on (loan, due date), so a second run, a retried
run or a second worker inserts nothing and emits nothing; the mail consumer is idempotent
too (``mail.queue`` keys each mail by loan, due date and recipient).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from steward.assets import selectors
from steward.assets.models import Assignment, LoanReminder
from steward.assets.services.assets import require_write
from steward.core import outbox
from steward.core.actor import Actor


def _remind_once(loan: Assignment, today: dt.date) -> bool:
    """Insert the reminder row and the event together; False when it was already sent."""
    try:
        with transaction.atomic():
            LoanReminder.objects.create(assignment=loan, due_back=loan.due_back)
            asset = loan.asset
            outbox.emit(
                "asset.loan_overdue",
                loan,
                number=asset.number,
                asset_tag=asset.asset_tag,
                due_back=loan.due_back.isoformat(),
                days_overdue=(today - loan.due_back).days,
                holder=loan.person.username if loan.person_id else None,
                team=asset.owner_team.slug if asset.owner_team_id else None,
            )
    except IntegrityError:
        return False  # another run got there first
    return True


def loan_reminders_send(actor: Actor, *, today: dt.date) -> int:
    """Remind the holder of each loan due before ``today`` (and the asset's owner team),
    once per loan and due date; returns how many reminders were sent."""
    if not actor.is_system:
        require_write(actor)
    return sum(_remind_once(loan, today) for loan in selectors.loans_to_remind(today))
