"""CMDB import and export in the web UI: upload a file, see the dry run's plan, apply it;
download the list as CSV. Importing is for administrators and asset managers (requesters
get a 404, other agents a 403, as for every CMDB write). Both forms are saved through
``web.forms.submit``: a refusal is shown on the form with 422."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.cmdb import imports, selectors
from steward.cmdb.filters import CIMatch, attribute_filters, parse
from steward.cmdb.forms import ImportForm
from steward.cmdb.imports import ImportReport, stash
from steward.cmdb.imports.context import import_sources
from steward.cmdb.imports.reader import guess_format
from steward.cmdb.selectors import export
from steward.core.actor import Actor
from steward.core.errors import Conflict, DomainError, NotFound
from steward.web.forms import submit

SESSION_KEY = "cmdb_import"
PAGE = "cmdb/import.html"


def _importer(request: HttpRequest) -> Actor:
    actor = request.actor
    if not actor.is_agent:
        raise NotFound()
    if not selectors.ci_capabilities(actor).can_import:
        raise HttpForbidden
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def ci_import(request: HttpRequest) -> HttpResponse:
    """Upload and dry-run: the plan is shown, the file kept for ``ci_import_apply``."""
    actor = _importer(request)
    if request.method == "GET":
        return render(request, PAGE, {"form": ImportForm(sources=import_sources())})
    form = ImportForm(request.POST, request.FILES, sources=import_sources())

    def dry_run(f: forms.Form) -> tuple[dict[str, str] | None, ImportReport]:
        """The plan; a clean one keeps the file for applying (``pending``)."""
        upload = f.cleaned_data["file"]
        data = upload.read()
        fmt = guess_format(upload.name, data[:64])
        source = f.cleaned_data["source"]
        report = imports.import_file(actor, data, fmt=fmt, source=source, dry_run=True)
        if not report.ok:
            return None, report
        _forget(request)
        pending = {
            "token": stash.keep(request.user.pk, data),
            "format": fmt,
            "source": source,
            "name": upload.name,
        }
        request.session[SESSION_KEY] = pending
        return pending, report

    def shown(result: tuple[dict[str, str] | None, ImportReport]) -> HttpResponse:
        """The plan (no page to go to: it is shown once); a plan with errors is a 422."""
        pending, report = result
        context = {"form": form, "report": report, "pending": pending}
        return render(request, PAGE, context, status=200 if report.ok else 422)

    return submit(request, form, dry_run, success=shown, template=PAGE)


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        stash.drop(request.user.pk, pending["token"])


@login_required
@require_POST
def ci_import_apply(request: HttpRequest) -> HttpResponse:
    """Apply the file the last dry run checked (kept server-side, never sent back)."""
    actor = _importer(request)

    def apply(_: forms.Form) -> ImportReport:
        pending = request.session.get(SESSION_KEY)
        if not pending or not stash.exists(request.user.pk, pending["token"]):
            raise Conflict("Nothing to apply: upload the file again.")
        data = stash.read(request.user.pk, pending["token"])
        report = imports.import_file(
            actor, data, fmt=pending["format"], source=pending["source"], dry_run=False
        )
        _forget(request)
        return report

    def shown(report: ImportReport) -> HttpResponse:
        """What was imported (shown once); a file that failed after all is a 422."""
        context = {"form": ImportForm(sources=import_sources()), "report": report}
        return render(request, PAGE, context, status=200 if report.ok else 422)

    return submit(
        request,
        forms.Form(request.POST),
        apply,
        success=shown,
        template=PAGE,
        context={"form": ImportForm(sources=import_sources())},
        form_name="apply_form",
    )


@login_required
@require_GET
def ci_export(request: HttpRequest) -> HttpResponse:
    """The list's visible CIs, with its filters, as a CSV download."""
    actor = request.actor
    match, errors = parse(CIMatch, request.GET)
    if errors:  # a download has no form to show messages beside: say what was refused
        refused = "; ".join(f"{name}: {message}" for name, message in errors.items())
        return HttpResponse(refused, status=422, content_type="text/plain")
    filters = match.dict()
    try:
        attrs = attribute_filters(request.GET)
        page = export.first_page(actor, filters, attrs)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    response = StreamingHttpResponse(
        export.ci_csv(actor, filters, attrs, page), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cis.csv"'
    return response
