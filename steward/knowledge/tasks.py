"""Knowledge background jobs: load nothing heavy, call a service (decision 0008)."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.core import leases
from steward.knowledge.services import reviews_remind, views_roll_up


@db_periodic_task(crontab(minute="7"))
@leases.exclusive("knowledge-review-reminders", ttl=dt.timedelta(minutes=30))
def remind_reviews() -> int:
    """Tell owners of articles whose review date has come (once per due date)."""
    return reviews_remind()


@db_periodic_task(crontab(minute="*"))
@leases.exclusive("knowledge-view-counts", ttl=dt.timedelta(minutes=5))
def roll_up_views() -> int:
    """Sum the minute's article reads into their counters."""
    return views_roll_up()
