"""CMDB background jobs.

Everything else the CMDB sets off happens in the write itself or through the outbox: an
import runs inside the request (or ``steward import``), and its ``cis.updated`` and
``relationships.imported`` events are dispatched by core's outbox sweep. What is left is
housekeeping: an uploaded import file waits in ``cmdb.imports.stash`` between its dry run
and "apply", and one never applied would stay for ever.
"""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.cmdb.imports import stash
from steward.core import leases


# a lease, not huey's lock_task: it expires with a worker killed mid-run
@db_periodic_task(crontab(minute="17"))
@leases.exclusive("cmdb-drop-stale-import-files", ttl=dt.timedelta(minutes=30))
def drop_stale_import_files() -> int:
    """Delete import files whose dry run was not applied within a day; returns how many."""
    return stash.drop_older_than(stash.KEEP_FOR)
