"""Catalogue enumerations; badge colours are classes in web/static/web/steward.css
(``.status-<value>``)."""

from django.db import models


class ServiceKind(models.TextChoices):
    BUSINESS = "business", "Business service"
    TECHNICAL = "technical", "Technical service"


class Stage(models.TextChoices):
    """The service portfolio: planned, offered, withdrawn."""

    PIPELINE = "pipeline", "Pipeline"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    ORGANISATIONS = "organisations", "Some organisations"
    ROLES = "roles", "Some roles"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"
    USER = "user", "Person"
    CI = "ci", "Configuration item"
    ATTACHMENT = "attachment", "Attachment"  # files, stored as the request's attachments


class ApproverKind(models.TextChoices):
    MANAGER = "manager", "Manager of the requester"
    SERVICE_OWNER = "service_owner", "Service owner"
    TEAM = "team", "A team"
    USERS = "users", "Named people"


class TaskMode(models.TextChoices):
    ORDERED = "ordered", "One after another"
    PARALLEL = "parallel", "All at once"


class RequestStatus(models.TextChoices):
    APPROVAL = "approval", "Awaiting approval"
    FULFILMENT = "fulfilment", "In fulfilment"
    COMPLETED = "completed", "Completed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


REQUEST_OPEN = (RequestStatus.APPROVAL, RequestStatus.FULFILMENT)
REQUEST_CLOSED = (RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED)


class Decision(models.TextChoices):
    PENDING = "pending", "Waiting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    NOT_NEEDED = "not_needed", "Not needed"  # the stage was decided without this vote


class TaskStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"  # an ordered task whose predecessor is not done
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


TASK_ACTIVE = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
TASK_FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)
