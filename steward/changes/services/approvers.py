"""Who may decide a change's approval: the people its policy names, less the requester and
assignee where self-approval is forbidden and those who may not see the change; the
administrators standing in when none is left (decision 0115)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from steward.changes import selectors
from steward.changes.choices import ApproverKind
from steward.changes.models import ApprovalPolicy, Change
from steward.core.actor import Actor
from steward.core.choices import Channel, Role
from steward.core.errors import Conflict
from steward.core.models import Team, User


def may_see(user: User, change: Change) -> bool:
    """Whether ``user`` may see ``change``: approvers (and delegates) who may not are never
    asked, mailed or shown it (an agent limited to other organisations, a requester)."""
    if change.organisation_id is None and user.is_agent:
        return True  # every agent sees changes of no organisation: no query
    actor = Actor(user=user, channel=Channel.WEB)
    return selectors.change_visible(actor).filter(pk=change.pk).exists()


def _independent(users: list[User], policy: ApprovalPolicy, change: Change) -> list[User]:
    """``users`` less the change's requester and assignee where the policy forbids
    self-approval, and less those who may not see it, sorted by username."""
    if policy.forbid_self_approval:
        own = {change.requester_id, change.assignee_id}
        users = [u for u in users if u.pk not in own]
    users = [u for u in users if may_see(u, change)]
    return sorted({u.pk: u for u in users}.values(), key=lambda u: u.username)


def eligible(policy: ApprovalPolicy, change: Change) -> list[User] | None:
    """Who may decide the policy's approval of ``change``; None when the policy names
    nobody at all (no impacted service with an owner team lead, an empty or missing team,
    no change manager): it asks nobody of this change, as before decision 0115."""
    active = User.objects.filter(is_active=True)
    if policy.approver_kind == ApproverKind.TEAM:
        team = Team.objects.filter(slug=policy.team_slug, is_active=True).first()
        users = list(active.filter(teams=team)) if team else []
    elif policy.approver_kind == ApproverKind.CHANGE_MANAGERS:
        users = list(active.filter(groups__name=Role.CHANGE_MANAGER))
    else:
        lead_ids = change.impacted_services.exclude(owner_team__lead__isnull=True).values(
            "owner_team__lead_id"
        )
        users = list(active.filter(id__in=lead_ids))
    if not users:
        return None
    return _independent(users, policy, change)


def administrators(policy: ApprovalPolicy, change: Change) -> list[User]:
    """Who stands in when nobody the policy names may decide: the active administrators
    (never the requester or assignee where self-approval is forbidden)."""
    admins = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=Role.ADMIN)
    )
    return _independent(list(admins.distinct()), policy, change)


class NoEligibleApprover(Conflict):
    """A policy requires an approval nobody may give: requesting authorisation is refused
    rather than the approval skipped (decision 0115)."""

    code = "no_eligible_approver"

    def __init__(self, policy: ApprovalPolicy) -> None:
        text = _(
            "Nobody may approve %(policy)s for this change (a requester or assignee never "
            "approves their own change, and no administrator can stand in): add another "
            "%(who)s or an administrator, then request authorisation again."
        ) % {"policy": repr(policy.name), "who": _who(policy)}
        super().__init__(text, fields={"approvers": [text]})
        self.policy = policy.name


def _who(policy: ApprovalPolicy) -> str:
    if policy.approver_kind == ApproverKind.TEAM:
        return _("member of team %(team)s") % {"team": policy.team_slug}
    if policy.approver_kind == ApproverKind.CHANGE_MANAGERS:
        return _("change manager")
    return _("lead of an impacted service's owner team")
