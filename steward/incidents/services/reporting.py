"""Reporting an incident with its files: the requester's form, all or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from steward.core.actor import Actor
from steward.core.services import attachments_add
from steward.core.services.activity import Upload
from steward.incidents.models import Incident
from steward.incidents.services.records import incident_create


def incident_report(
    actor: Actor, *, title: str, uploads: Sequence[Upload] = (), **fields: Any
) -> Incident:
    """Log an incident and attach its files together, all or none: the record through
    ``incident_create``, each file through ``core.services.attachments_add`` (the one set
    of limits and checks the API and the record page's upload use). A refused file rolls
    the incident back and removes the files already stored, so there is never an incident
    without its files nor a file without its incident; the refusal names ``file``."""
    if not uploads:
        return incident_create(actor, title=title, **fields)
    with transaction.atomic():
        incident = incident_create(actor, title=title, **fields)
        attachments_add(actor, target=f"incident/{incident.number}", uploads=uploads)
    return incident
