"""Attachments on the web pages of any record (incidents, problems, changes): the list with
its upload form, the upload, the download.

One set of rules with the API: the upload goes through ``core.services.attachments_add``
(which calls ``attachment_add`` per file: the size limit, the sniffed type, the safe name,
"who may attach"), the list and the download through the selectors that scope them to the
records the actor may see; an invisible record or file is the 404 page. A record page puts
``attachment_card(actor, record)`` in its context and includes
``components/attachments.html``; its form posts here: with htmx the card comes back with
the new files, without it a 303 to the record's page. A refusal shows on the field: the
card again (htmx) or this page with the card (without JavaScript), both 422.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from steward.core import files, selectors, services, targets
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.forms import AttachmentForm
from steward.web.forms import submit, wants_partial

PAGE = "core/attachments.html"
LIMIT = 200  # more files than this on one record is not something a page lists


def _ref(kind: str, key: str) -> tuple[targets.TargetKind, str]:
    target_kind = targets.kind_named(kind)
    if target_kind is None or target_kind.page is None:
        raise NotFound()
    return target_kind, f"{kind}/{key}"


def attachment_card(
    actor: Actor,
    record: models.Model,
    form: AttachmentForm | None = None,
    *,
    read: bool = False,
    suffix: str = "",
) -> dict[str, Any]:
    """What ``components/attachments.html`` shows for a record the actor may see. ``read``:
    the page read ``record`` through the scope its kind's files are read with (the incident
    page: ``incident_get``), so the files are listed without reading the record again.
    ``suffix``: the page's own query (its ``way_back``, "?back=…"), carried by the upload's
    address so an upload without JavaScript returns to the page as it was opened."""
    kind = targets.kind_of(record)
    key = str(getattr(record, kind.key))
    if read:
        page = selectors.record_attachment_page(record, limit=LIMIT)
    else:
        page = selectors.attachment_page(actor, target=f"{kind.name}/{key}", limit=LIMIT)
    return {
        "items": page.items,
        "form": form or AttachmentForm(),
        "upload_url": reverse("core:attachments", args=[kind.name, key]) + suffix,
        "record_url": reverse(kind.page, args=[key]) + suffix if kind.page else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_attachments(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """GET: the record's files on a page of their own (where a failed upload without
    JavaScript lands, so a reload is safe). POST: upload, then back to the record's page."""
    actor = request.actor
    target_kind, ref = _ref(kind, key)
    record = targets.resolve(actor, ref)  # NotFound: the 404 page
    # the record page's way back (the incident's queue), rebuilt by its app, never echoed
    suffix = targets.page_suffix(actor, target_kind, request.GET.get("back", ""))
    record_url = reverse(target_kind.page, args=[key]) + suffix

    def context(form: AttachmentForm) -> dict[str, Any]:
        card = attachment_card(actor, record, form, suffix=suffix)
        return {"record": record, "kind": kind, "card": card}

    if request.method == "GET":
        return render(request, PAGE, context(AttachmentForm()))
    return submit(
        request,
        AttachmentForm(request.POST, request.FILES),
        lambda f: services.attachments_add(actor, target=ref, uploads=f.cleaned_data["files"]),
        success=lambda _: (
            # htmx: the card again with the new files, swapped in place (the address is
            # the record's page already, so a reload is safe); without it, 303 to the page.
            render(request, f"{PAGE}#card", context(AttachmentForm()))
            if wants_partial(request)
            else f"{record_url}#attachments"
        ),
        template=PAGE,
        partial="card",
        context=context,
        aliases={"file": "files", "target": "files"},
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: str) -> FileResponse:
    """The file, as a download, if its record is one the actor may see."""
    attachment = selectors.attachment_get(request.actor, attachment_id=attachment_id)
    return files.download_response(attachment)
