"""Migration 0008 withdraws the approvals left pending on changes already rejected."""

import importlib

from steward.changes.choices import ApprovalState
from steward.changes.models import Change, ChangeApproval
from tests.changes.conftest import in_authorisation

withdraw = importlib.import_module(
    "steward.changes.migrations.0008_withdraw_pending_approvals_of_rejected_changes"
).withdraw


class _Apps:
    def get_model(self, app: str, name: str):
        return {"ChangeApproval": ChangeApproval}[name]


def test_only_a_rejected_changes_pending_approvals_are_withdrawn(
    agent_actor, new_change, cab, stack, cm_user
):
    high = {"outage": "full", "tested": "no", "backout": "impossible"}
    rejected, pending = (
        in_authorisation(agent_actor, new_change(cis=[stack["server"].number], risk_answers=high))
        for _ in range(2)
    )
    assert set(pending.approvals.values_list("state", flat=True)) == {"pending"}
    Change.objects.filter(pk=rejected.pk).update(approval_state=ApprovalState.REJECTED)

    withdraw(_Apps(), None)

    assert set(rejected.approvals.values_list("state", flat=True)) == {"not_required"}
    assert set(pending.approvals.values_list("state", flat=True)) == {"pending"}
