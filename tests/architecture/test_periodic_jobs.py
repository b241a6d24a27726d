"""Periodic jobs hold a lease that expires with its holder, never huey's ``lock_task``: a
worker killed mid-run left that lock held for ever (issue 12, finding 9)."""

from __future__ import annotations

import re

from tests.architecture.apps import STEWARD

LOCK_TASK = re.compile(
    r"^\s*(@lock_task\(|from huey\.contrib\.djhuey import .*\block_task\b)", re.M
)


def test_no_job_uses_hueys_lock_task():
    users = sorted(
        str(path.relative_to(STEWARD))
        for path in STEWARD.rglob("*.py")
        if LOCK_TASK.search(path.read_text())
    )
    assert users == [], "use steward.core.leases.exclusive(name, ttl) instead"
