"""The portal's one search box."""

from __future__ import annotations

from django import forms

from steward.core.forms import SingleLineField


class SearchForm(forms.Form):
    q = SingleLineField(max_length=200, required=False, label="How can we help?")
