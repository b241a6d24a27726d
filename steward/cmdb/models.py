"""CI classes with attribute schemas, configuration items, and typed relationships."""

from django.db import models
from django.db.models import F, Q

from steward.cmdb.choices import CIStatus, Criticality, Environment
from steward.core.models import Location, Organisation, Team, VersionedModel


class CIClass(models.Model):
    """A kind of CI; its attribute schema and identification keys extend its parent's.

    ``attributes`` is a list of ``{"name", "type", "required", "choices", "reference_class",
    "label"}``; ``identification_keys`` lists attribute names tried in order to recognise an
    imported CI (empty: the parent's keys)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=list, blank=True)
    identification_keys = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency for edits

    class Meta:
        verbose_name = "CI class"
        verbose_name_plural = "CI classes"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConfigurationItem(VersionedModel):
    """A managed component (service, application, server, ...) with class-typed attributes."""

    number = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    ci_class = models.ForeignKey(CIClass, on_delete=models.PROTECT, related_name="items")
    attributes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=CIStatus.choices, default=CIStatus.LIVE)
    environment = models.CharField(
        max_length=12, choices=Environment.choices, default=Environment.PRODUCTION
    )
    criticality = models.PositiveSmallIntegerField(
        choices=Criticality.choices, default=Criticality.MEDIUM
    )
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_cis"
    )
    support_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="supported_cis"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cis"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="cis"
    )
    # the product's own version ("version" is the record's optimistic-concurrency counter)
    software_version = models.CharField(max_length=100, blank=True)
    # which source last set each field or attribute ({"ip_address": "discovery"}): imports
    # read it to keep a lower-precedence source from overwriting a higher one's value
    attribute_sources = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "configuration item"
        indexes = [
            # lists by class and status, in name order (the keyset order)
            models.Index(fields=["ci_class", "status", "name", "id"], name="ci_class_status"),
            # a class's first page in name order, whatever the status: filtered by an
            # attribute, the walk stops after a page of matches instead of sorting the class
            models.Index(fields=["ci_class", "name", "id"], name="ci_class_name"),
            models.Index(fields=["name", "id"], name="ci_name"),
            models.Index(fields=["organisation", "status"], name="ci_org_status"),
            models.Index(fields=["owner_team", "status"], name="ci_owner_team"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


# a CI's own fields that people and import sources set (its class and attributes apart):
# what a service write accepts, what an import row may carry, whose source is tracked
CI_FIELDS = (
    "name",
    "description",
    "status",
    "environment",
    "criticality",
    "owner_team",
    "support_team",
    "organisation",
    "location",
    "software_version",
)


class RelationshipType(models.Model):
    """A kind of directed link. ``source_depends_on_target`` says which end needs the other:
    true for "app runs_on server", false for "disk part_of array" (the whole needs its part)."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    inverse_name = models.CharField(max_length=60)
    source_depends_on_target = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Relationship(models.Model):
    """``source`` —type→ ``target``; one of each type per pair, never a CI to itself."""

    source = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE, related_name="incoming")
    type = models.ForeignKey(RelationshipType, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "type"], name="relationship_unique_triple"
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="relationship_no_self_loop"
            ),
        ]
        indexes = [
            # the upward walk (who points at me) reads by target and type and needs only
            # the source: covering, so each step of the walk is index-only (decision 0022)
            models.Index(fields=["target", "type", "source"], name="relationship_target"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.type_id} {self.target_id}"


class ImportSource(models.Model):
    """Where CI data comes from (``discovery``, ``spreadsheet``; ``manual`` is people editing
    through the UI and API). When two sources disagree on a field or attribute, the one with
    the higher precedence for it keeps its value: ``attribute_precedence`` overrides the
    source's ``precedence`` per name."""

    name = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    precedence = models.PositiveSmallIntegerField(default=50)
    attribute_precedence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rank(self, name: str) -> int:
        """This source's precedence for the field or attribute ``name``."""
        return int(self.attribute_precedence.get(name, self.precedence))


class CISourceId(models.Model):
    """A CI as an import source knows it: the source's own id for it (a discovery tool's
    device id), so the next run recognises the CI even if its keys changed."""

    # the unique (source, external_id) index serves lookups by source
    source = models.ForeignKey(
        ImportSource, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    external_id = models.CharField(max_length=255)
    ci = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE, related_name="source_ids")

    class Meta:
        db_table = "cmdb_ci_source_id"
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="ci_source_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"


class CIIdentifier(models.Model):
    """An identification key value of a CI (``fqdn`` = ``web01.example.com``), normalised and
    indexed so imports match thousands of rows with a few ``IN`` queries instead of JSON
    lookups. ``family`` is the root of the CI's class chain (a VM and a server share one).
    Maintained by the services; not unique, so duplicates show up as conflicts."""

    # one lookup index, led by the value: an import's chunk of values (``value = ANY``) is
    # then always the index condition, on stale statistics and in a generic plan alike; led
    # by (family, key), PostgreSQL filtered every row of the key against the whole array
    # (decision 0076). (ci, key) serves the CI's foreign key.
    family = models.ForeignKey(CIClass, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=60)
    value = models.CharField(max_length=1000)
    ci = models.ForeignKey(
        ConfigurationItem, on_delete=models.CASCADE, related_name="identifiers", db_index=False
    )

    class Meta:
        db_table = "cmdb_ci_identifier"
        indexes = [
            models.Index(fields=["value", "family", "key"], name="ci_identifier_by_value"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["ci", "key"], name="ci_identifier_one_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
