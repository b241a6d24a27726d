"""Problem background jobs: none yet.

Everything a problem sets off happens in the write itself or through the outbox: mails to
the callers of linked incidents when a problem is fixed are queued by ``notifications.py``'s
outbox consumer and sent by the core mail sweep. Problems have no clocks, reminders or
reviews that come due with time, so there is nothing to run on a schedule. A job added here
loads ids and calls a service as ``Actor.system(...)`` (decision 0008).
"""
