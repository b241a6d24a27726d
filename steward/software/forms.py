"""Software web forms: parse only; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField
from steward.software.choices import Metric, Term
from steward.web.filter_forms import FilterForm
from steward.web.pickers import picker_field

EDITABLE = (
    "product",
    "metric",
    "term",
    "quantity",
    "cost",
    "start_date",
    "end_date",
    "purchase_order",
    "vendor",
    "organisation",
    "notes",
)


class ProductFilterForm(FilterForm):
    """The product list's bar: words of the name or publisher."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Search product or publisher…")


class LicenceForm(forms.Form):
    """A licence's fields; the product is picked by name, the organisation from a list."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    product = picker_field(
        "software",
        max_length=60,
        label=_("Product"),
        help_text=_("Type part of the product's name or publisher"),
    )
    metric = forms.ChoiceField(choices=Metric.choices, initial=Metric.DEVICE, label=_("Metric"))
    term = forms.ChoiceField(choices=Term.choices, initial=Term.PERPETUAL, label=_("Term"))
    quantity = forms.IntegerField(
        min_value=0, initial=1, label=_("Quantity"), help_text=_("Seats; 0 for a site licence")
    )
    cost = forms.DecimalField(
        min_value=0, decimal_places=2, max_digits=14, initial=0, label=_("Cost")
    )
    start_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=_("Start date")
    )
    end_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("End date"),
        help_text=_("A subscription's last day; for a perpetual licence, the end of support"),
    )
    purchase_order = SingleLineField(max_length=60, required=False, label=_("Purchase order"))
    vendor = SingleLineField(max_length=100, required=False, label=_("Vendor"))
    organisation = forms.ChoiceField(
        required=False, label=_("Organisation"), help_text=_("Only for this organisation")
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Notes")
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("Everyone"))] + [
            (o.slug, o.name) for o in organisations
        ]

    def values(self) -> dict:
        """Every field as the service takes it (empty organisation / end date: none)."""
        data = {name: self.cleaned_data.get(name) for name in EDITABLE}
        data["organisation"] = data["organisation"] or None
        data["quantity"] = data["quantity"] or 0
        return data

    def changes(self, licence) -> dict:
        """Only what differs from the stored licence."""
        current = {
            "product": licence.product.slug,
            "organisation": licence.organisation.slug if licence.organisation_id else None,
        }
        return {
            name: value
            for name, value in self.values().items()
            if value != current.get(name, getattr(licence, name))
        }


class ProductForm(forms.Form):
    """A product; ``version`` guards the edit, and each input carries the value it was
    opened with, so an edit sends only what the person changed. Match rules one a line."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    publisher = SingleLineField(max_length=100, label=_("Publisher"))
    name = SingleLineField(max_length=150, label=_("Name"))
    version_family = SingleLineField(
        max_length=40, required=False, label=_("Version family"), help_text=_("e.g. 2021, 365")
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
        label=_("Description"),
    )
    match_rules = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5_000,
        label=_("Match rules"),
        help_text=_("One a line: words of a discovered name, * ends a prefix: office pro* 2021"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "version"

    @staticmethod
    def initial_for(product) -> dict:
        return {
            "version": product.version,
            "publisher": product.publisher,
            "name": product.name,
            "version_family": product.version_family,
            "description": product.description,
            "match_rules": "\n".join(product.match_rules),
        }

    def values(self) -> dict:
        data = {n: self.cleaned_data[n] for n in self.fields if n != "version"}
        data["match_rules"] = [r.strip() for r in data["match_rules"].splitlines() if r.strip()]
        return data

    def changes(self) -> dict:
        values = self.values()
        return {n: values[n] for n in self.changed_data if n != "version"}


class InstallationForm(forms.Form):
    """An installation entered by hand: product, device (a CI) and user picked by name."""

    product = picker_field(
        "software", max_length=60, label=_("Product"), help_text=_("Type part of its name")
    )
    device = picker_field(
        "ci", max_length=30, label=_("Device"), help_text=_("The CI it runs on, by name")
    )
    user = picker_field(
        "person",
        max_length=150,
        required=False,
        label=_("User"),
        help_text=_("For per-user licences"),
    )
    cores = forms.IntegerField(
        min_value=0,
        max_value=100_000,
        initial=0,
        required=False,
        label=_("Cores"),
        help_text=_("For per-core licences"),
    )
