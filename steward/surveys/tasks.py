"""Survey background jobs: none. Invitations and low-rating mail are outbox consumers
(notifications.py); a survey closes by its clock (workflow.py), with nothing to run. A job
added here loads ids and calls a service as ``Actor.system(...)`` (decision 0008)."""
