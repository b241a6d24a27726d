"""Data migrations' shared step: an app's old "sent once" rows become core.OutgoingMail rows.

Each app kept its own table of mail already sent until decision 0009. The copy marks every
row sent (one attempt), so an event redelivered after the upgrade mails nobody twice. It
works on the historical models a migration passes in, never on today's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = Any


def copy_sent_once(
    apps,
    old_model: str,
    *,
    key: Callable[[Row], str],
    kind: Callable[[Row], str],
    record_type: str = "",
    record_id: Callable[[Row], object] = lambda row: "",
) -> None:
    old = apps.get_model(*old_model.split("."))
    new = apps.get_model("core", "OutgoingMail")
    new.objects.bulk_create(
        [
            new(
                key=key(row),
                recipient=row.recipient,
                kind=kind(row),
                record_type=record_type,
                record_id=str(record_id(row)),
                sent_at=row.sent_at,
                attempts=1,
            )
            for row in old.objects.iterator()
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
