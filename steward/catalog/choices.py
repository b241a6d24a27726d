"""Catalogue enumerations; badge colours are classes in web/static/web/steward.css
(``.status-<value>``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    BUSINESS = "business", _("Business service")
    TECHNICAL = "technical", _("Technical service")


class Stage(models.TextChoices):
    """The service portfolio: planned, offered, withdrawn."""

    PIPELINE = "pipeline", _("Pipeline")
    LIVE = "live", _("Live")
    RETIRED = "retired", _("Retired")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    ORGANISATIONS = "organisations", _("Some organisations")
    ROLES = "roles", _("Some roles")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    USER = "user", _("Person")
    CI = "ci", _("Configuration item")
    ATTACHMENT = "attachment", _("Attachment")  # files, stored as the request's attachments


class ApproverKind(models.TextChoices):
    MANAGER = "manager", _("Manager of the requester")
    SERVICE_OWNER = "service_owner", _("Service owner")
    TEAM = "team", _("A team")
    USERS = "users", _("Named people")


class TaskMode(models.TextChoices):
    ORDERED = "ordered", _("One after another")
    PARALLEL = "parallel", _("All at once")


class RequestStatus(models.TextChoices):
    APPROVAL = "approval", _("Awaiting approval")
    FULFILMENT = "fulfilment", _("In fulfilment")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


REQUEST_OPEN = (RequestStatus.APPROVAL, RequestStatus.FULFILMENT)
REQUEST_CLOSED = (RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED)


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NOT_NEEDED = "not_needed", _("Not needed")  # the stage was decided without this vote


class TaskStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")  # an ordered task whose predecessor is not done
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


TASK_ACTIVE = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
TASK_FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)
