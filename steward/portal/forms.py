"""The portal's one search box."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField


class SearchForm(forms.Form):
    q = SingleLineField(max_length=200, required=False, label=_("How can we help?"))
