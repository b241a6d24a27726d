"""Catalogue background jobs: none yet.

Everything a request sets off happens in the write itself (the next approval stage, the
fulfilment tasks, the request's closure) or through the outbox (mail to the requester and
the approvers, sent by the core mail sweep). A job added here loads ids and calls a service
as ``Actor.system(...)`` (decision 0008).
"""
