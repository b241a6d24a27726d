"""Web forms of the asset pages: they parse and hand to the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.assets.choices import Depreciation, DispositionMethod, Sanitisation, Status
from steward.core.forms import SingleLineField
from steward.web.filter_forms import FilterForm, filter_select
from steward.web.pickers import picker_field, set_label


class AssetFilterForm(FilterForm):
    """The asset list's filter bar; ``filters.AssetFilters`` checks its values."""

    status = filter_select(_("Status"), _("Any status"), list(Status.choices))
    model = filter_select(_("Model"), _("Any model"), [])
    location = filter_select(_("Location"), _("Any location"), [])
    assignee = forms.CharField(
        label=_("Assignee"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Assignee (username or me)")}),
    )

    def __init__(self, *args, models=(), locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Number, tag or serial")
        self.fields["model"].widget.choices = [("", _("Any model"))] + [
            (str(m.pk), str(m)) for m in models
        ]
        self.fields["location"].widget.choices = [("", _("Any location"))] + [
            (str(loc.pk), loc.name) for loc in locations
        ]


def _model_choices(models) -> list[tuple[str, str]]:
    return [("", _("Choose a model"))] + [(str(m.pk), str(m)) for m in models]


class AssetForm(forms.Form):
    asset_tag = SingleLineField(max_length=64, label=_("Asset tag"))
    serial_number = SingleLineField(max_length=100, label=_("Serial number"))
    model = forms.ChoiceField(label=_("Model"), choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Status.ON_ORDER, _("On order")), (Status.IN_STOCK, _("In stock"))],
    )
    stock_room = forms.ChoiceField(
        label=_("Stock room"),
        required=False,
        choices=(),
        help_text=_("Where it waits in stock (or will, once received)."),
    )
    location = picker_field("location", label=_("Location"), required=False, max_length=20)
    vendor = SingleLineField(max_length=120, required=False, label=_("Vendor"))
    purchase_order = SingleLineField(max_length=60, required=False, label=_("Purchase order"))
    purchase_date = forms.DateField(
        required=False, label=_("Purchase date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cost = forms.DecimalField(
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        label=_("Cost"),
        help_text=_("0 for a donated or free item; left blank, 0 is recorded."),
    )
    holds_data = forms.BooleanField(required=False, initial=True, label=_("Holds data"))

    def __init__(self, *args, models=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = _model_choices(models)
        self.fields["stock_room"].choices = [("", _("No stock room"))] + [
            (r.slug, r.name) for r in rooms
        ]


class AssetEditForm(forms.Form):
    """Edit an asset; ``version`` guards against lost updates, and each input carries the
    value it was opened with, so only what the person changed is sent: saved again after a
    stale version, it never undoes another's change. Model and location are picked by name."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    asset_tag = SingleLineField(max_length=64, label=_("Asset tag"))
    serial_number = SingleLineField(max_length=100, label=_("Serial number"))
    model = picker_field("asset-model", label=_("Model"), max_length=20)
    vendor = SingleLineField(max_length=120, required=False, label=_("Vendor"))
    purchase_order = SingleLineField(max_length=60, required=False, label=_("Purchase order"))
    purchase_date = forms.DateField(
        required=False, label=_("Purchase date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cost = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, label=_("Cost"))
    location = picker_field(
        "location",
        label=_("Location"),
        required=False,
        max_length=20,
        help_text=_("Where it is while not checked out; a check-out moves a deployed asset."),
    )
    holds_data = forms.BooleanField(required=False, label=_("Holds data"))
    notes = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Notes"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "version"

    @classmethod
    def for_asset(cls, asset) -> AssetEditForm:
        """An unbound form showing ``asset``, the pickers reading as names."""
        form = cls(
            initial={
                "version": asset.version,
                "asset_tag": asset.asset_tag,
                "serial_number": asset.serial_number,
                "model": str(asset.model_id),
                "vendor": asset.vendor,
                "purchase_order": asset.purchase_order,
                "purchase_date": asset.purchase_date,
                "cost": asset.cost,
                "location": str(asset.location_id or ""),
                "holds_data": asset.holds_data,
                "notes": asset.notes,
            }
        )
        set_label(form, "model", str(asset.model))
        set_label(form, "location", asset.location.name if asset.location else "")
        return form

    def changes(self) -> dict:
        """What the person changed since opening the form, as the service takes it."""
        data = self.cleaned_data
        return {
            name: (data[name] if data[name] != "" or name != "location" else None)
            for name in self.changed_data
            if name != "version"
        }


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # sent by "Receive into stock" only (``ReceiveForm``); the service checks the slug
    stock_room = forms.CharField(required=False)

    def changes(self) -> dict:
        """The move, and the stock room when the form sent one ("" for none)."""
        changes = {"status": self.cleaned_data["status"]}
        if "stock_room" in self.data:
            changes["stock_room"] = self.cleaned_data["stock_room"] or None
        return changes


class ReceiveForm(forms.Form):
    """ "Receive into stock": which stock room it goes to (the one chosen when it was
    ordered, preselected)."""

    stock_room = forms.ChoiceField(label=_("Into stock room"), required=False, choices=())

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_room"].choices = [("", _("No stock room"))] + [
            (r.slug, r.name) for r in rooms
        ]


class CheckOutForm(forms.Form):
    """To whom and/or where; both picked by name (the person among those the reader sees)."""

    person = picker_field("person", label=_("Person"), required=False, max_length=150)
    location = picker_field("location", label=_("Location"), required=False, max_length=20)
    due_back = forms.DateField(
        required=False,
        label=_("Due back (a loan)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CheckInForm(forms.Form):
    stock_room = forms.ChoiceField(label=_("Into stock room"), required=False, choices=())

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_room"].choices = [("", _("No stock room"))] + [
            (r.slug, r.name) for r in rooms
        ]


class DispositionForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        required=False,
        choices=[("", _("Not yet"))] + list(DispositionMethod.choices),
    )
    sanitisation = forms.ChoiceField(
        label=_("Sanitisation (NIST SP 800-88)"),
        required=False,
        choices=[("", _("None recorded"))] + list(Sanitisation.choices),
    )
    vendor = SingleLineField(max_length=120, required=False, label=_("Disposal vendor"))
    certificate_number = SingleLineField(
        max_length=80, required=False, label=_("Certificate number")
    )
    certificate_date = forms.DateField(
        required=False, label=_("Certificate date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CustodyForm(forms.Form):
    handed_from = SingleLineField(max_length=120, label=_("Handed from"))
    handed_to = SingleLineField(max_length=120, label=_("Handed to"))
    note = SingleLineField(max_length=200, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class CountStartForm(forms.Form):
    stock_room = forms.ChoiceField(label=_("Stock room"), required=False, choices=())
    location = forms.ChoiceField(label=_("Or location"), required=False, choices=())

    def __init__(self, *args, rooms=(), locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_room"].choices = [("", "—")] + [(r.slug, r.name) for r in rooms]
        self.fields["location"].choices = [("", "—")] + [
            (str(loc.pk), loc.name) for loc in locations
        ]


class ScanForm(forms.Form):
    tag = SingleLineField(max_length=64, label=_("Asset tag"))


class _ChangedOnly(forms.Form):
    """Each input carries the value it was opened with, so an edit sends only what the
    person changed and never undoes a change saved by someone else meanwhile; ``version``
    (hidden) is the one the form was opened at: a stale one is refused (412, with a reload)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "version"

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}

    def values(self) -> dict:
        """Every value but the version (a new record)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _life(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=50, initial=4)


def _rate(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=0,
        help_text=_("Declining balance only: the share of the opening value written off a year."),
    )


def _residual(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=0,
        help_text=_(
            "The share of the cost an asset is still worth when its life ends; "
            "never depreciated below it."
        ),
    )


class CategoryForm(_ChangedOnly):
    """A category and its two depreciation schedules (book and tax), each with a residual."""

    name = SingleLineField(max_length=120, label=_("Name"))
    ci_class = forms.ChoiceField(
        required=False,
        label=_("CMDB class"),
        choices=(),
        help_text=_("The class of the CI a deployed asset becomes."),
    )
    book_method = forms.ChoiceField(label=_("Book method"), choices=Depreciation.choices)
    book_life_years = _life(_("Book life (years)"))
    book_rate = _rate(_("Book rate (% a year)"))
    book_residual_percent = _residual(_("Book residual value (% of cost)"))
    tax_method = forms.ChoiceField(label=_("Tax method"), choices=Depreciation.choices)
    tax_life_years = _life(_("Tax life (years)"))
    tax_rate = _rate(_("Tax rate (% a year)"))
    tax_residual_percent = _residual(_("Tax residual value (% of cost)"))

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        # a class the CMDB retired since stays listed while a category still names it
        current = self.initial.get("ci_class") or ""
        known = [(slug, name) for slug, name in classes]
        if current and current not in {slug for slug, _ in known}:
            known.append((current, current))
        self.fields["ci_class"].choices = [("", _("Not tracked in the CMDB")), *known]

    @staticmethod
    def initial_for(category) -> dict:
        return {name: getattr(category, name) for name in CategoryForm.base_fields}


class AssetModelForm(_ChangedOnly):
    """A make and model; its warranty term is every asset's of it."""

    manufacturer = SingleLineField(max_length=120, label=_("Manufacturer"))
    name = SingleLineField(max_length=120, label=_("Model"))
    category = forms.ChoiceField(label=_("Category"), choices=())
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        min_value=0,
        max_value=240,
        initial=0,
        help_text=_(
            "Inherited by every asset of this model: warranty ends this long after purchase."
        ),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category"))] + [
            (c.slug, c.name) for c in categories
        ]

    @staticmethod
    def initial_for(model) -> dict:
        return {
            "version": model.version,
            "manufacturer": model.manufacturer,
            "name": model.name,
            "category": model.category.slug,
            "warranty_months": model.warranty_months,
        }
