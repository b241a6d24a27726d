"""Quick actions on the incidents ticked in the queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from steward.core.errors import DomainError
from steward.incidents import services
from steward.incidents.choices import Status
from steward.incidents.forms import BulkForm
from steward.incidents.views.queue import QUEUE, queue_context
from steward.web.forms import submit

CLOSE = {"status": Status.CLOSED}


def _back(request: HttpRequest, target: str) -> str:
    """Only back to a queue page of ours, never elsewhere."""
    queue = reverse("incidents:list")
    return target if target.startswith(f"{queue}?") else queue


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Bulk assign to me, or close resolved ones; each goes through the service, and the
    queue comes back saying how many were updated and why the others were not."""
    actor = request.actor
    form = BulkForm(request.POST)

    def save(f: BulkForm) -> tuple[int, list[str]]:
        action = f.cleaned_data["action"]
        done, failed = 0, []
        for number in f.numbers_ticked():
            try:
                if action == "assign_me":  # the rule the queue offers the tick box by
                    services.incident_assign_to_self(actor, number=number)
                else:
                    services.incident_update(
                        actor, number=number, expected_version=None, changes=CLOSE
                    )
                done += 1
            except DomainError as exc:
                failed.append(f"{number}: {exc.message}")
        return done, failed

    def success(result: tuple[int, list[str]]) -> str:
        done, failed = result
        said = gettext("%(count)s updated.") % {"count": done}
        if failed:
            not_done = gettext("Not updated: %(reasons)s") % {"reasons": "; ".join(failed)}
            said = f"{said} {not_done}"
        messages.info(request, said)
        return _back(request, form.cleaned_data["next"])

    return submit(
        request,
        form,
        save,
        success=success,
        template=QUEUE,
        context=lambda f: queue_context(request),
        form_name="bulk_form",
    )
