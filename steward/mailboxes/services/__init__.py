"""Every write of the email channel."""

from steward.mailboxes.services.batch import mail_ingest_many
from steward.mailboxes.services.ingest import mail_ingest, mailbox_actor
from steward.mailboxes.services.mailboxes import mailbox_create, mailbox_delete, mailbox_update
from steward.mailboxes.services.polling import (
    mailbox_poll,
    mailbox_test_connection,
    mailboxes_poll_due,
)
from steward.mailboxes.services.quarantine import (
    message_discard,
    message_release,
    message_retry,
)

__all__ = [
    "mail_ingest",
    "mail_ingest_many",
    "mailbox_actor",
    "mailbox_create",
    "mailbox_delete",
    "mailbox_update",
    "mailbox_poll",
    "mailbox_test_connection",
    "mailboxes_poll_due",
    "message_discard",
    "message_release",
    "message_retry",
]
