"""Knowledge web forms: parse only; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField
from steward.knowledge.choices import Audience


class ArticleForm(forms.Form):
    """Write or edit an article (Markdown body); ``version`` guards lost updates on edit."""

    WIDE = ("title", "body")

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = SingleLineField(max_length=200, label=_("Title"))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        label=_("Body"),
        help_text=_("Markdown: ## headings, lists, `code`, links. HTML is shown as text."),
    )
    audience = forms.ChoiceField(
        choices=Audience.choices, initial=Audience.EVERYONE, label=_("Audience")
    )
    category = forms.ChoiceField(required=False, label=_("Category"))
    review_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Review by")
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.slug, f"{c.parent.name} › {c.name}" if c.parent_id else c.name) for c in categories
        ]

    @classmethod
    def initial_for(cls, article) -> dict:  # noqa: ANN001
        return {
            "version": article.version,
            "title": article.title,
            "body": article.body,
            "audience": article.audience,
            "category": article.category.slug if article.category else "",
            "review_date": article.review_date,
        }

    def changes(self, article=None) -> dict:  # noqa: ANN001
        """The values to save; on edit, only what differs from the article."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["category"] = data["category"] or None
        if article is None:
            return {k: v for k, v in data.items() if v not in ("", None)}
        current = self.initial_for(article)
        return {k: v for k, v in data.items() if v != current[k]}


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.CharField()


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
