"""Mail about requests, through the one outbox path (decision 0009 E): the requester is told
at each step (received, approved, rejected, completed, cancelled) and of others' public
replies, and each approver when a stage asks for their vote. Every mail threads under the
request's root id, or under the requester's own mail when the request came by mail. Each
mail is queued once per event and recipient."""

from __future__ import annotations

from django.conf import settings

from steward.catalog.models import Request
from steward.core import mail, outbox
from steward.core.models import Comment, OutboxMessage, User

DOMAIN = "steward.local"
# the requester's steps: event topic → template and mail kind
STEPS = {
    "request.created": "received",
    "request.fulfilment": "approved",
    "request.rejected": "rejected",
    "request.completed": "completed",
    "request.cancelled": "cancelled",
}


def _wants_mail(user: User | None) -> bool:
    return bool(user and user.is_active and user.email and user.email_notifications)


def _mail(request: Request, event: OutboxMessage, user: User, template: str, **extra) -> mail.Mail:  # noqa: ANN003
    # in the reader's language (theirs, not the sender's), as every notification is
    subject, text = mail.render(
        f"catalog/email/{template}.txt",
        {
            "request": request,
            "person": user,
            "link": f"{settings.BASE_URL}/catalog/requests/{request.number}/",
            **extra,
        },
        language=mail.language_of(user),
    )
    # under the requester's own message when the request came by mail (In-Reply-To,
    # References, Reply-To the mailbox), else under the request's root id
    threading = mail.thread_headers(f"<{request.number}@{DOMAIN}>", mail.thread_of(request))
    return mail.Mail(
        recipient=user.email,
        subject=f"[{request.number}] {subject}",
        body=text.strip() + "\n",
        headers={
            "Message-ID": f"<{request.number}.{event.pk}.{user.pk}@{DOMAIN}>",
            **threading,
            "X-Steward-Request": request.number,
        },
    )


@outbox.consumer(*STEPS)
def on_step(event: OutboxMessage) -> int:
    """Tell the requester where their request stands."""
    request = Request.objects.select_related("requester", "item").filter(pk=event.object_id).first()
    if request is None or not _wants_mail(request.requester):
        return 0
    kind = STEPS[event.topic]
    message = _mail(request, event, request.requester, kind)
    return mail.queue(
        key=mail.event_key(event), kind=f"request_{kind}", record=request, mails=[message]
    )


@outbox.consumer("request.approval_requested")
def on_approval_requested(event: OutboxMessage) -> int:
    """Ask each approver of the stage for their vote."""
    request = Request.objects.select_related("requester", "item").filter(pk=event.object_id).first()
    if request is None:
        return 0
    stage = event.payload.get("stage", 0)
    approvers = User.objects.filter(
        catalog_approvals__request=request, catalog_approvals__stage=stage
    ).order_by("pk")
    mails = [
        _mail(request, event, user, "approval_requested", stage=request.plan["stages"][stage])
        for user in approvers
        if _wants_mail(user)
    ]
    return mail.queue(
        key=mail.event_key(event), kind="request_approval", record=request, mails=mails
    )


@outbox.consumer("request.commented")
def on_commented(event: OutboxMessage) -> int:
    """A public reply by someone else (an agent, an approver) goes to the requester by mail,
    threaded, so they can answer it from their mail client."""
    if event.payload.get("internal"):
        return 0
    request = Request.objects.select_related("requester", "item").filter(pk=event.object_id).first()
    comment = (
        Comment.objects.select_related("author").filter(pk=event.payload.get("comment")).first()
    )
    if request is None or comment is None or comment.author_id == request.requester_id:
        return 0
    if not _wants_mail(request.requester):
        return 0
    message = _mail(request, event, request.requester, "public_reply", comment=comment)
    return mail.queue(
        key=mail.event_key(event), kind="request_reply", record=request, mails=[message]
    )
