from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "steward.mailboxes"
    label = "mailboxes"
    verbose_name = "Mailboxes"

    def ready(self) -> None:
        from steward.core import stamps
        from steward.core.models import Organisation, Team
        from steward.incidents.models import Category
        from steward.mailboxes import notifications  # noqa: F401 - registers outbox consumers
        from steward.mailboxes.models import Mailbox

        # what ingestion caches per process (selectors.mail_config)
        stamps.guard(stamps.MAIL_CONFIG, Mailbox, Team, Category, Organisation)
