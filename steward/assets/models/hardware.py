"""Hardware: what a category depreciates by, what a model is, where stock waits, the assets
themselves and who had them when."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from steward.assets.choices import Depreciation, Status
from steward.core.models import Location, Organisation, Team, VersionedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


PERCENT = {"max_digits": 5, "decimal_places": 2}


class Category(models.Model):
    """A kind of hardware (laptop, server); carries the book and tax depreciation schedules
    (each with a residual value, a percentage of cost its assets are never written below)
    and the CMDB class an asset of it becomes on deploy."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    ci_class = models.CharField(
        max_length=60, blank=True, help_text="CMDB class slug; empty: not tracked as a CI"
    )
    book_method = models.CharField(
        max_length=20, choices=Depreciation.choices, default=Depreciation.STRAIGHT_LINE
    )
    book_life_years = models.PositiveSmallIntegerField(default=4)
    book_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="declining balance: % a year"
    )
    tax_method = models.CharField(
        max_length=20, choices=Depreciation.choices, default=Depreciation.DECLINING_BALANCE
    )
    tax_life_years = models.PositiveSmallIntegerField(default=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=40)
    book_residual_percent = models.DecimalField(
        **PERCENT, default=0, help_text="residual (salvage) value: % of cost left after the life"
    )
    tax_residual_percent = models.DecimalField(
        **PERCENT, default=0, help_text="residual (salvage) value: % of cost left after the life"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(book_life_years__gte=1, tax_life_years__gte=1),
                name="asset_category_life_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    book_residual_percent__gte=0,
                    book_residual_percent__lte=100,
                    tax_residual_percent__gte=0,
                    tax_residual_percent__lte=100,
                ),
                name="asset_category_residual_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssetModel(models.Model):
    """A make and model (Dell Latitude 7440); its warranty term is every asset's default."""

    manufacturer = models.CharField(max_length=120)
    name = models.CharField(max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="models")
    warranty_months = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            # whatever the case, as the create's check compares (assets.0006): the check
            # alone let two creates at once both pass
            models.UniqueConstraint(
                Upper("manufacturer"), Upper("name"), name="asset_model_once_upper"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.name}"

    @property
    def label(self) -> str:
        return str(self)


class StockRoom(models.Model):
    """Where assets wait in stock, at a location."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="stock_rooms"
    )

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """The reorder level of one model in one stock room."""

    stock_room = models.ForeignKey(StockRoom, on_delete=models.CASCADE, related_name="levels")
    model = models.ForeignKey(AssetModel, on_delete=models.CASCADE, related_name="+")
    reorder_level = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stock_room", "model"], name="asset_stock_level_once")
        ]

    def __str__(self) -> str:
        return f"{self.stock_room_id}/{self.model_id} ≥ {self.reorder_level}"


class Asset(VersionedModel):
    """One piece of hardware, from order to disposal."""

    number = models.CharField(max_length=16, unique=True)
    asset_tag = models.CharField(max_length=64, unique=True)
    serial_number = models.CharField(max_length=100, unique=True)
    model = models.ForeignKey(AssetModel, on_delete=models.PROTECT, related_name="assets")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ON_ORDER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    vendor = models.CharField(max_length=120, blank=True)
    purchase_order = models.CharField(max_length=60, blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    cost = models.DecimalField(**MONEY, default=0)
    holds_data = models.BooleanField(default=True, help_text="a storage medium that held data")
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_assets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    stock_room = models.ForeignKey(
        StockRoom, null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="asset_cost_not_negative"),
            # tags and serials are unique whatever their case (validation, search box, stock
            # take scans): an equality on UPPER() is an index search, ``iexact`` a full scan;
            # unique in the database, as two creates at once both passed the check before
            models.UniqueConstraint(Upper("asset_tag"), name="ast_tag_upper_unique"),
            models.UniqueConstraint(Upper("serial_number"), name="ast_serial_upper_unique"),
        ]
        indexes = [
            # the list: every filter combination leads with an equality, then the keyset order
            models.Index(fields=["status", "model", "location", "id"], name="ast_state_model_loc"),
            models.Index(fields=["model", "id"], name="ast_model"),
            models.Index(fields=["location", "id"], name="ast_location"),
            models.Index(fields=["assignee", "id"], name="ast_assignee"),
            models.Index(fields=["stock_room", "status", "model"], name="ast_stock"),
            # a state alone (the commonest filter) in keyset order: without it a page of
            # "deployed" sorted every deployed asset by id first
            models.Index(fields=["status", "id"], name="ast_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.asset_tag}"

    @property
    def warranty_end(self) -> dt.date | None:
        """Purchase date plus the model's warranty term (inherited by every asset of it)."""
        return warranty_end_of(self.purchase_date, self.model.warranty_months)


def warranty_end_of(purchase_date: dt.date | None, months: int) -> dt.date | None:
    """The day a warranty of ``months`` bought on ``purchase_date`` ends (none without a
    date or a term); the list's rows compute it from columns, the model from its model."""
    if purchase_date is None or not months:
        return None
    total = purchase_date.month - 1 + months
    year, month = purchase_date.year + total // 12, total % 12 + 1
    if year > dt.MAXYEAR:
        # bought near the calendar's end (9999-06-01): the warranty outlasts it; a date
        # past it raised on every read, and one such asset broke the whole asset list
        return dt.date.max
    day = min(purchase_date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


class Assignment(models.Model):
    """One check-out of an asset to a person and/or a location, closed by its check-in."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(Location, null=True, on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField()
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_back = models.DateField(
        null=True, blank=True, help_text="a loan: the day it is to come back"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["asset", "checked_out_at"], name="ast_assignment_hist"),
            # the loans list (open loans by due date) and the overdue reminders
            models.Index(
                fields=["due_back", "id"],
                condition=models.Q(checked_in_at__isnull=True, due_back__isnull=False),
                name="ast_open_loan_due",
            ),
        ]
        constraints = [
            # at most one open check-out per asset
            models.UniqueConstraint(
                fields=["asset"],
                condition=models.Q(checked_in_at__isnull=True),
                name="asset_one_open_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} to {self.person_id or self.location_id}"


class LoanReminder(models.Model):
    """That the holder of an overdue loan was reminded for this due date: the unique pair
    makes it once per loan and due date (a loan extended to a new date is reminded anew)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    due_back = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "due_back"], name="loan_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} due {self.due_back}"
