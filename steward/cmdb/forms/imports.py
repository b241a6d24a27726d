"""The import upload form: a CSV or JSON text file and the source it comes from."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steward.core.files import sniff


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8, with a header row) or JSON"))
    source = forms.ChoiceField(
        label=_("Source"), help_text=_("Where the data comes from; decides precedence")
    )

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.name, s.label) for s in sources]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("Files up to %(size)s bytes.") % {"size": settings.MAX_UPLOAD_BYTES}
            )
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError("A .csv or .json file.")
        head = upload.read(4096)
        upload.seek(0)
        if sniff(head) != "text/plain":
            raise forms.ValidationError(gettext("This is not a text file."))
        return upload
