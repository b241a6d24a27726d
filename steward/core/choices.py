"""Enumerations shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    EMAIL = "email", _("Email")
    SYSTEM = "system", _("System")


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
    ADMIN = "admin", _("Administration")


class Role(models.TextChoices):
    """Roles are seeded as Django groups with these names."""

    REQUESTER = "requester", _("Requester")
    AGENT = "agent", _("Agent")
    TEAM_LEAD = "team_lead", _("Team lead")
    CHANGE_MANAGER = "change_manager", _("Change manager")
    ASSET_MANAGER = "asset_manager", _("Asset manager")
    ADMIN = "admin", _("Administrator")


AGENT_ROLES = frozenset(
    {Role.AGENT, Role.TEAM_LEAD, Role.CHANGE_MANAGER, Role.ASSET_MANAGER, Role.ADMIN}
)


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    SIGN_IN = "sign_in", "Signed in"
