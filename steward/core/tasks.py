"""Core background jobs: outbox dispatch (kicked after commit, and swept every minute)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from steward.core import outbox
from steward.core.models import IdempotencyRecord, LoginFailure


@db_task()
def dispatch_outbox() -> int:
    """Dispatch pending outbox rows; woken on commit by ``outbox.emit``."""
    return outbox.dispatch_pending()


@db_periodic_task(crontab(minute="*"))
@lock_task("outbox-sweep")
def sweep_outbox() -> int:
    """Catch rows whose wake-up was lost (a process killed between commit and enqueue)."""
    return outbox.dispatch_pending()


@db_periodic_task(crontab(minute="17"))
def prune_expired() -> None:
    """Forget idempotency keys after a day and login failures after their window."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    LoginFailure.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
