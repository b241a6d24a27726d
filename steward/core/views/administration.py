"""The administrator's index: one page linking everything an administrator configures
(people here in core; categories, the priority matrix, escalations, SLAs and change
configuration in their apps). Only administrators reach it (the 403 page otherwise)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.core.services.common import require_admin


@login_required
@require_GET
def administration(request: HttpRequest) -> HttpResponse:
    require_admin(request.actor, "open the administration pages")
    return render(request, "core/administration.html")
