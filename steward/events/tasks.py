"""Event background jobs: none yet.

Everything an event sets off happens in its ingest (the alert, the CI match, the incident
the rule opens, the note a clear adds). Alerts have no timers: an alert whose source stops
sending stays open until cleared or closed by an agent (docs/events.md "Not done"). A job
added here loads ids and calls a service as ``Actor.system(...)`` (decision 0008).
"""
