"""Organisations, departments, locations, users and teams."""

from asgiref.sync import sync_to_async
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from steward.core.choices import AGENT_ROLES
from steward.core.models.base import VersionedModel


class Organisation(VersionedModel):
    """A customer or subsidiary served by IT; scopes requesters and records."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department inside an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A site, building or floor where people and assets are."""

    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code")
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: requester, agent, manager or admin, with their profile."""

    email = models.EmailField(blank=True, db_index=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # empty: no choice made, pages follow the browser's Accept-Language and mail the site's
    # LANGUAGE_CODE; a code: the person's choice, which wins over both (decision 0116)
    language = models.CharField(max_length=10, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    # An agent limited to some organisations sees only their records; empty = all.
    served_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="serving_agents"
    )
    email_notifications = models.BooleanField(default=True)
    # who approves this person's requests when a catalogue item asks for "the manager"
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    version = models.PositiveIntegerField(default=1)
    # API tokens issued and sessions begun before this no longer count (docs/security.md).
    credentials_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Last password change, deactivation or reactivation.",
    )
    # single sign-on (OpenID Connect, steward/core/services/sso.py): the identity provider's
    # issuer and its stable, never reassigned subject id; blank for a person who never used it
    sso_issuer = models.CharField(max_length=255, blank=True, editable=False)
    sso_subject = models.CharField(max_length=255, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        indexes = [
            # mail finds its sender by address whatever the case (``Lower`` exact match):
            # without it every received message scans the people table
            models.Index(Lower("email"), name="core_user_email_lower"),
        ]
        constraints = [
            # one person per identity at a provider (and the index a sign-in finds them by)
            models.UniqueConstraint(
                fields=["sso_issuer", "sso_subject"],
                condition=~models.Q(sso_subject=""),
                name="core_user_sso_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def end_credentials(self) -> None:
        """Mark every token and session issued so far as ended (saved with the user)."""
        self.credentials_changed_at = timezone.now()

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.end_credentials()

    def check_password(self, raw_password: str) -> bool:
        def upgrade(raw: str) -> None:
            # a stronger hash of the same password is no password change (Django's rule)
            self.password = make_password(raw)
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, upgrade)

    async def acheck_password(self, raw_password: str) -> bool:
        return await sync_to_async(self.check_password)(raw_password)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash covers the password; the stamp adds deactivation and reactivation.
        # Without a stamp it is Django's own, so sessions from before the stamp stay valid.
        stamp = self.credentials_changed_at
        value = self.password if stamp is None else f"{self.password}|{stamp.isoformat()}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return cached

    @property
    def is_agent(self) -> bool:
        return self.is_superuser or bool(self.role_names & AGENT_ROLES)


class Team(VersionedModel):
    """An assignment group: members who work a queue together, with a lead."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
        help_text="Empty: a team of the IT organisation itself.",
    )
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    members = models.ManyToManyField(User, blank=True, related_name="teams")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name
