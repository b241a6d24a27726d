"""Django admin for operators: mailboxes (password never shown) and received messages."""

from django.contrib import admin

from steward.mailboxes.models import InboundMessage, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "kind", "is_active", "last_polled_at")
    exclude = ("imap_password",)  # write-only: set through the web page or the API
    readonly_fields = ("last_polled_at", "last_poll_error")


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "mailbox", "sender", "subject", "status")
    list_filter = ("status", "mailbox")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundMessage._meta.fields if f.name != "raw"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
