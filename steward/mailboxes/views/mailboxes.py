"""Mailbox pages: the list, one mailbox, new and edit (administrators only). Saving goes
through ``web.forms.submit`` and the mailbox services (validation, version, audit)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.mailboxes import selectors, services
from steward.mailboxes.forms import MailboxForm
from steward.mailboxes.views.access import administrator
from steward.web.forms import submit

FORM = "mailboxes/mailbox_form.html"


def detail_url(mailbox) -> str:  # noqa: ANN001
    return reverse("mailboxes:detail", args=[mailbox.slug])


@login_required
@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    """Every mailbox with its kind, address and last poll."""
    actor = administrator(request.actor)
    page = selectors.mailbox_list(actor, limit=500)
    return render(request, "mailboxes/mailbox_list.html", {"page": page, "tab": "mailboxes"})


@login_required
@require_GET
def mailbox_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One mailbox's settings (the password only as set or not) and its latest mail."""
    actor = administrator(request.actor)
    mailbox = selectors.mailbox_get(actor, slug=slug)
    recent = selectors.message_list(actor, mailbox=mailbox.slug, limit=20).items
    return render(request, "mailboxes/mailbox_detail.html", {"mailbox": mailbox, "recent": recent})


@login_required
@require_POST
def mailbox_test(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Test connection": the mailbox's page again, with what the IMAP server said."""
    actor = administrator(request.actor)
    ok, said = services.mailbox_test_connection(actor, slug=slug)
    mailbox = selectors.mailbox_get(actor, slug=slug)
    recent = selectors.message_list(actor, mailbox=mailbox.slug, limit=20).items
    context = {"mailbox": mailbox, "recent": recent, "test": {"ok": ok, "said": said}}
    return render(request, "mailboxes/mailbox_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_new(request: HttpRequest) -> HttpResponse:
    """An administrator adds a mailbox."""
    actor = administrator(request.actor)
    choices = selectors.mailbox_form_choices(actor)
    if request.method == "POST":
        return submit(
            request,
            MailboxForm(request.POST, choices=choices),
            lambda f: services.mailbox_create(actor, **f.values()),
            success=detail_url,
            template=FORM,
            context={"mailbox": None},
        )
    return render(request, FORM, {"form": MailboxForm(choices=choices), "mailbox": None})


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """An administrator changes a mailbox; only what differs is sent (and audited)."""
    actor = administrator(request.actor)
    mailbox = selectors.mailbox_get(actor, slug=slug)
    choices = selectors.mailbox_form_choices(actor)
    current = MailboxForm.initial_for(mailbox)
    if request.method == "POST":

        def save(form: MailboxForm):  # noqa: ANN202
            return services.mailbox_update(
                actor,
                slug=slug,
                expected_version=form.cleaned_data.get("version"),
                changes=form.changes(current),
            )

        return submit(
            request,
            MailboxForm(request.POST, choices=choices),
            save,
            success=detail_url,
            template=FORM,
            context={"mailbox": mailbox},
        )
    form = MailboxForm(initial=current, choices=choices)
    return render(request, FORM, {"form": form, "mailbox": mailbox})
