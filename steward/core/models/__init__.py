"""Core tables: people and places, access, audit and outbox, activity."""

from steward.core.models.access import ApiToken, IdempotencyRecord, LoginFailure
from steward.core.models.activity import Attachment, Comment
from steward.core.models.audit import AuditEntry, OutboxMessage
from steward.core.models.base import NumberSequence, VersionedModel
from steward.core.models.delivery import Lease
from steward.core.models.mail import OutgoingMail
from steward.core.models.people import Department, Location, Organisation, Team, User
from steward.core.models.stamps import CacheStamp

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "CacheStamp",
    "Comment",
    "Department",
    "IdempotencyRecord",
    "Lease",
    "Location",
    "LoginFailure",
    "NumberSequence",
    "Organisation",
    "OutboxMessage",
    "OutgoingMail",
    "Team",
    "User",
    "VersionedModel",
]
