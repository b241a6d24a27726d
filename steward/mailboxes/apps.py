from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "steward.mailboxes"
    label = "mailboxes"
    verbose_name = "Mailboxes"

    def ready(self) -> None:
        from steward.mailboxes import notifications  # noqa: F401 - registers outbox consumers
