"""Automation background jobs: none. Rules run in the incident write's own transaction
(services/engine.py); the mails a rule sends go through the outbox like every other mail.
A job added here loads ids and calls a service as ``Actor.system(...)`` (decision 0008)."""
