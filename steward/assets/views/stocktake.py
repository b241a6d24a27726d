"""Stock-taking pages: start a count, scan or type tags, see what is missing."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from steward.assets import selectors, services
from steward.assets.forms import CountStartForm, ScanForm
from steward.assets.views.common import reader
from steward.web.forms import submit


@login_required
@require_http_methods(["GET", "POST"])
def count_start(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    options = {
        "rooms": selectors.stock_room_visible(actor),
        "locations": selectors.location_choices(actor),
    }
    if request.method == "GET":
        return render(request, "assets/count_start.html", {"form": CountStartForm(**options)})
    form = CountStartForm(request.POST, **options)
    return submit(
        request,
        form,
        lambda f: services.stock_count_start(
            actor,
            stock_room=f.cleaned_data["stock_room"],
            location=f.cleaned_data["location"] or None,
        ),
        success=lambda count: reverse("assets:count", args=[count.pk]),
        template="assets/count_start.html",
    )


def _context(actor, count_id: int, **extra) -> dict:
    return {
        "report": selectors.stock_count_report(actor, count_id=count_id),
        "form": ScanForm(),
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def count(request: HttpRequest, count_id: int) -> HttpResponse:
    actor = reader(request)
    return render(request, "assets/count.html", _context(actor, count_id))


@login_required
@require_POST
def count_scan(request: HttpRequest, count_id: int) -> HttpResponse:
    actor = reader(request)
    selectors.stock_count_get(actor, count_id=count_id)
    return submit(
        request,
        ScanForm(request.POST),
        lambda f: services.stock_count_scan(actor, count_id=count_id, tag=f.cleaned_data["tag"]),
        success=reverse("assets:count", args=[count_id]),
        template="assets/count.html",
        context=lambda f: {k: v for k, v in _context(actor, count_id).items() if k != "form"},
    )


@login_required
@require_POST
def count_close(request: HttpRequest, count_id: int) -> HttpResponse:
    actor = reader(request)
    selectors.stock_count_get(actor, count_id=count_id)
    return submit(
        request,
        forms.Form(request.POST),
        lambda f: services.stock_count_close(actor, count_id=count_id),
        success=reverse("assets:count", args=[count_id]),
        template="assets/count.html",
        context=lambda f: _context(actor, count_id),
        form_name="close_form",
    )
