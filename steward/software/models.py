"""Software products, the licences that entitle their use, and their installations on
CMDB devices. Keyed on CMDB CIs and users only: nothing here refers to hardware assets
(docs/decisions/0012-software-licensing-app.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import Organisation, VersionedModel
from steward.software.choices import FreedBy, Metric, Source, Term


class Product(VersionedModel):
    """A piece of software as it is licensed (publisher, name, version family); discovered
    names map to it through ``match_rules``."""

    slug = models.SlugField(max_length=60, unique=True)
    publisher = models.CharField(max_length=100)
    name = models.CharField(max_length=150)
    version_family = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    # one rule per entry: words that must all appear in a discovered name, ``pro*`` for a
    # prefix ("office pro* 2021" matches "Microsoft Office Professional Plus 2021" and
    # "Office Pro 2021"); see services/matching.py
    match_rules = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["publisher", "name", "version_family"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "name", "version_family"], name="software_product_once"
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.publisher, self.name, self.version_family) if p)


class Licence(VersionedModel):
    """An entitlement bought for a product: ``quantity`` units of ``metric`` (site licences
    entitle without a count), perpetual or for a subscription's term."""

    number = models.CharField(max_length=16, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="licences")
    metric = models.CharField(max_length=12, choices=Metric.choices, default=Metric.DEVICE)
    term = models.CharField(max_length=12, choices=Term.choices, default=Term.PERPETUAL)
    quantity = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    purchase_order = models.CharField(max_length=60, blank=True)
    vendor = models.CharField(max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="licences"
    )
    notes = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["product", "metric"], name="sw_licence_product")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="sw_licence_end_after_start",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="sw_licence_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class Installation(models.Model):
    """A product found on (or entered for) a CMDB device, optionally for one user. It
    counts towards consumption until its seat is freed (``freed_at``)."""

    # no single-column indexes: (product, freed_at, …) and (device, product) lead with them,
    # and PostgreSQL preferred a plain product index with heap fetches over the covering one
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="installations", db_index=False
    )
    device = models.ForeignKey(
        "cmdb.ConfigurationItem",
        on_delete=models.CASCADE,
        related_name="installations",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="installations",
    )
    cores = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    discovered_name = models.CharField(max_length=200, blank=True)
    last_seen = models.DateTimeField()
    freed_at = models.DateTimeField(null=True, blank=True)
    freed_by = models.CharField(max_length=20, choices=FreedBy.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # a product is installed once per device; the upsert keys on the pair
            models.UniqueConstraint(fields=["device", "product"], name="sw_installation_once")
        ]
        indexes = [
            # the compliance aggregates read only this index: counting rows (freed_at IS
            # NULL, an equality in both databases' b-trees) by product, with users and cores
            models.Index(fields=["product", "freed_at", "user", "cores"], name="sw_inst_counting"),
            # a product's drill-down: its counting rows, a page in id order
            models.Index(fields=["product", "freed_at", "id"], name="sw_inst_product_page"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} on {self.device_id}"
