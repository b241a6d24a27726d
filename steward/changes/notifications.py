"""Approval mails: outbox consumers sending each approver (and whoever stands in for them)
signed approve/reject links, at most once per event and address; and the change's requester
the outcome when the authorisation is rejected (who rejected it and why)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from steward.changes.choices import Decision
from steward.changes.models import ApprovalDecision, Change, ChangeApproval, Delegation
from steward.changes.services.approvals import approval_link_token, may_see
from steward.core import mail, outbox
from steward.core.models import OutboxMessage, User

KIND = "approval_request"
TEMPLATE = "changes/email/approval_requested.txt"
REJECTED_KIND = "change_rejected"


def _addressees(approval: ChangeApproval) -> list[tuple[User, User]]:
    """(approver, recipient) pairs: each undecided approver, and each delegate standing in
    for one of them today."""
    decided = set(approval.decisions.values_list("approver_id", flat=True))
    waiting = [u for u in approval.approvers.filter(is_active=True) if u.pk not in decided]
    today = timezone.localdate()
    pairs = [(u, u) for u in waiting]
    delegations = Delegation.objects.filter(
        user__in=waiting, starts_on__lte=today, ends_on__gte=today, delegate__is_active=True
    ).select_related("user", "delegate")
    pairs += [(d.user, d.delegate) for d in delegations]
    # a delegate limited to other organisations gets no mail (nor link) about this change
    return [(a, r) for a, r in pairs if r.pk == a.pk or may_see(r, approval.change)]


@outbox.consumer("change.approval_requested", "change.approval_reminder")
def mail_approvers(event: OutboxMessage) -> None:
    """Queue one mail per address for this event, with a link signed for that approver."""
    approval = ChangeApproval.objects.select_related("change").filter(pk=event.object_id).first()
    if approval is None or approval.state != "pending":
        return
    change = approval.change
    reminder = event.topic.endswith("reminder")
    mails: dict[str, mail.Mail] = {}
    for approver, recipient in _addressees(approval):
        if not recipient.email or not recipient.email_notifications:
            continue
        if recipient.email in mails:
            continue  # one mail per event and address, as before: the first approver's link
        link = settings.BASE_URL + reverse(
            "changes:approval_link",
            args=[approval_link_token(approval, approver=approver, sent_to=recipient)],
        )
        context = {
            "change": change,
            "reminder": reminder,
            "behalf": "" if approver.pk == recipient.pk else str(approver),
            "link": link,
            "url": f"{settings.BASE_URL}/changes/{change.number}/",
        }
        # in the recipient's language and, for the planned window, their time zone: the
        # page the link opens reads the same (views.feeds)
        with timezone.override(mail.zone_of(recipient)):
            subject, body = mail.render(TEMPLATE, context, language=mail.language_of(recipient))
        mails[recipient.email] = mail.Mail(recipient=recipient.email, subject=subject, body=body)
    mail.queue(key=mail.event_key(event), kind=KIND, record=change, mails=mails.values())


@outbox.consumer("change.rejected")
def mail_requester_rejected(event: OutboxMessage) -> int:
    """Tell the change's requester it was rejected, by whom and why (the rejection's
    comment is required), once per event; nobody when they opted out of mail."""
    change = Change.objects.select_related("requester").filter(pk=event.object_id).first()
    if change is None or change.requester is None:
        return 0
    requester = change.requester
    if not requester.is_active or not requester.email or not requester.email_notifications:
        return 0
    rejections = (
        ApprovalDecision.objects.filter(approval__change=change, decision=Decision.REJECT)
        .select_related("approver", "approval")
        .order_by("at", "pk")
    )
    reasons = "\n".join(
        f"- {d.approval.label}: {d.approver} said \u201c{d.comment}\u201d" for d in rejections
    )
    body = (
        f"{change.number} {change.title} was rejected at authorisation; it will not be "
        f"scheduled as it stands.\n\n{reasons}\n\n"
        f"Open the change: {settings.BASE_URL}/changes/{change.number}/\n"
    )
    rejected = mail.Mail(
        recipient=requester.email,
        subject=f"[{change.number}] Change rejected: {change.title}",
        body=body,
    )
    return mail.queue(
        key=mail.event_key(event), kind=REJECTED_KIND, record=change, mails=[rejected]
    )
