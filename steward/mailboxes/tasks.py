"""Mail background jobs: polling IMAP mailboxes every minute (each at its own interval)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.mailboxes import services


# No lock_task: each mailbox is polled under its own lease (steward.core.leases), which
# expires if a worker dies mid-poll.
@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> dict[str, int]:
    """Fetch new mail from the IMAP mailboxes that are due."""
    return services.mailboxes_poll_due()
