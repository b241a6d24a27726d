"""CMDB import and export in the web UI: upload a file, see the dry run's plan, apply it;
download the list as CSV. Importing is for administrators and asset managers (requesters
get a 404, other agents a 403, as for every CMDB write)."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.cmdb import export, imports, selectors, services
from steward.cmdb.imports.context import import_sources
from steward.cmdb.imports.reader import guess_format
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import DomainError
from steward.core.files import sniff
from steward.web.forms import apply_error

SESSION_KEY = "cmdb_import"
STASH = "cmdb-imports"


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV (UTF-8, with a header row) or JSON")
    source = forms.ChoiceField(help_text="Where the data comes from; decides precedence")

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.name, s.label) for s in sources]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"Files up to {settings.MAX_UPLOAD_BYTES} bytes.")
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError("A .csv or .json file.")
        head = upload.read(4096)
        upload.seek(0)
        if sniff(head) != "text/plain":
            raise forms.ValidationError("This is not a text file.")
        return upload


def _importer(request: HttpRequest) -> Actor:
    actor = Actor(user=request.user, channel=Channel.WEB)
    if not actor.is_agent:
        raise Http404
    if not services.can_write(actor):
        raise HttpForbidden
    return actor


def _stash_name(request: HttpRequest, token: str) -> str:
    # the user's id in the name: a token from another session never opens someone's file
    return f"{STASH}/{request.user.pk}-{token}.upload"


@login_required
@require_http_methods(["GET", "POST"])
def ci_import(request: HttpRequest) -> HttpResponse:
    """Upload and dry-run: the plan is shown, the file kept for ``ci_import_apply``."""
    actor = _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None, sources=import_sources())
    context = {"form": form, "report": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            fmt = guess_format(upload.name, data[:64])
            source = form.cleaned_data["source"]
            try:
                report = imports.import_file(actor, data, fmt=fmt, source=source, dry_run=True)
            except DomainError as exc:
                apply_error(form, exc)
                status = 422
            else:
                context["report"] = report
                if report.ok:
                    token = secrets.token_urlsafe(16)
                    default_storage.save(_stash_name(request, token), ContentFile(data))
                    _forget(request)
                    request.session[SESSION_KEY] = {
                        "token": token,
                        "format": fmt,
                        "source": source,
                        "name": upload.name,
                    }
                    context["pending"] = request.session[SESSION_KEY]
                else:
                    status = 422
        else:
            status = 422
    return render(request, "cmdb/import.html", context, status=status)


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        default_storage.delete(_stash_name(request, pending["token"]))


@login_required
@require_POST
def ci_import_apply(request: HttpRequest) -> HttpResponse:
    """Apply the file the last dry run checked (kept server-side, never sent back)."""
    actor = _importer(request)
    pending = request.session.get(SESSION_KEY)
    form = ImportForm(sources=import_sources())
    context = {"form": form, "report": None}
    if not pending or not default_storage.exists(_stash_name(request, pending["token"])):
        context["error"] = "Nothing to apply: upload the file again."
        return render(request, "cmdb/import.html", context, status=409)
    with default_storage.open(_stash_name(request, pending["token"])) as stashed:
        data = stashed.read()
    try:
        report = imports.import_file(
            actor, data, fmt=pending["format"], source=pending["source"], dry_run=False
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "cmdb/import.html", context, status=exc.status)
    _forget(request)
    context["report"] = report
    return render(request, "cmdb/import.html", context, status=200 if report.ok else 422)


@login_required
@require_GET
def ci_export(request: HttpRequest) -> HttpResponse:
    """The list's visible CIs, with its filters, as a CSV download."""
    actor = Actor(user=request.user, channel=Channel.WEB)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "ci_class": request.GET.get("class", ""),
        "status": request.GET.get("status", ""),
        "environment": request.GET.get("environment", ""),
    }
    try:
        attrs = selectors.attribute_filters(request.GET)
        page = export.first_page(actor, filters, attrs)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    response = StreamingHttpResponse(
        export.ci_csv(actor, filters, attrs, page), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cis.csv"'
    return response
