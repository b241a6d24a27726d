"""Every read of the email channel."""

from steward.mailboxes.selectors.mailboxes import (
    mailbox_by_name,
    mailbox_form_choices,
    mailbox_get,
    mailbox_list,
    mailbox_visible,
    mailboxes_due_for_poll,
    own_addresses,
    own_addresses_held,
)
from steward.mailboxes.selectors.messages import (
    message_for_comment,
    message_get,
    message_list,
    message_opening,
    message_visible,
    numbered_record,
    opened_by_mail,
    recent_from,
    record_thread,
    thread_record,
    user_by_email,
)

__all__ = [
    "mailbox_by_name",
    "mailbox_form_choices",
    "mailbox_get",
    "mailbox_list",
    "mailbox_visible",
    "mailboxes_due_for_poll",
    "message_for_comment",
    "message_get",
    "message_list",
    "message_opening",
    "message_visible",
    "numbered_record",
    "opened_by_mail",
    "own_addresses",
    "own_addresses_held",
    "recent_from",
    "record_thread",
    "thread_record",
    "user_by_email",
]
