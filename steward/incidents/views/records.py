"""One incident's pages: report one, read it, edit it, take it, comment on it.

``request.actor`` is the signed-in person (``web.middleware.ActorMiddleware``); an incident
they may not see raises ``NotFound``, which the error-page middleware answers with the 404
page. Forms are saved through ``web.forms.submit``: 303 (or ``HX-Redirect``) on success, the
form again with 422 on failure. The record page's forms post with htmx and a failed one is
swapped in place (its partial), so the address stays the record's page and a reload is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.views.attachments import attachment_card
from steward.incidents import selectors, services
from steward.incidents.choices import Status
from steward.incidents.forms import CommentForm, IncidentForm, UpdateForm
from steward.incidents.models import Incident
from steward.incidents.views import facts, work
from steward.incidents.views.queue import BACK, back_query, back_suffix
from steward.web import heading, record_links
from steward.web import timeline as timeline_writer
from steward.web.forms import submit
from steward.web.pickers import labels_for, set_label

DETAIL = "incidents/detail.html"
# False: the page's update form is built with its context, as before decision 0098
LAZY_FORM = True
NEW = "incidents/new.html"


def detail_url(number: str, back: str = "") -> str:
    """The record's page; ``back``: the queue it was opened from (``back_query``'s)."""
    return f"{reverse('incidents:detail', args=[number])}{back_suffix(back)}"


def queue_back(request: HttpRequest) -> str:
    """The queue this record page was opened from, from its ``back`` parameter (the page's,
    or its forms' action addresses'), rebuilt through the reader's scope; "" for none."""
    return back_query(request.actor, request.GET.get(BACK, ""))


def _form_choices(actor: Actor, category: str | None = None) -> dict:
    """The form's options; the subcategories are the chosen ``category``'s only (for agents
    and requesters alike: one narrowing, swapped in by ``subcategory_options``)."""
    cats = selectors.category_list()
    subs = [c for c in cats if c.parent_id is not None and category and c.parent.slug == category]
    return {
        "categories": [c for c in cats if c.parent_id is None],
        "subcategories": subs,
        "teams": core_selectors.team_choices(actor) if actor.is_agent else [],
        "agent": actor.is_agent,
    }


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """Report an incident; requesters get the short form (no caller, team or assignee; the
    affected service by name and files to attach)."""
    actor = request.actor
    if request.method == "POST":
        return submit(
            request,
            IncidentForm(
                request.POST, request.FILES, **_form_choices(actor, request.POST.get("category"))
            ),
            # the incident and its files together, all or none; a refused file is named
            # on the form's file field
            lambda f: services.incident_report(actor, uploads=f.uploads(), **f.changes()),
            success=lambda incident: detail_url(incident.number),
            template=NEW,
            aliases={"file": "files"},
        )
    # a start from elsewhere (an article that did not help) fills in title and description
    initial = IncidentForm.prefill(request.GET)
    form = IncidentForm(initial=initial, **_form_choices(actor))
    if actor.is_agent:
        # the caller is shown, not implied: an agent logging a call for someone else sees
        # her own name there and changes it (an empty caller was silently the agent)
        me = actor.user.username
        form.initial["caller"] = me
        set_label(form, "caller", labels_for(actor, "person", [me])[me])
    return render(request, NEW, {"form": form})


@login_required
@require_GET
def subcategory_options(request: HttpRequest) -> HttpResponse:
    """The subcategory field narrowed to the chosen category (swapped in by htmx)."""
    category = request.GET.get("category", "")
    form = IncidentForm(**_form_choices(request.actor, category))
    return render(request, f"{NEW}#subcategory", {"form": form})


@login_required
@require_GET
def priority_preview(request: HttpRequest) -> HttpResponse:
    """The priority the matrix gives, shown live while the form is filled in."""
    try:
        impact, urgency = int(request.GET["impact"]), int(request.GET["urgency"])
    except (KeyError, ValueError):
        return HttpResponse("—")
    if not (1 <= impact <= 3 and 1 <= urgency <= 3):
        return HttpResponse("—")
    priority = selectors.priority_for(impact, urgency)
    return render(request, f"{NEW}#priority", {"priority": priority})


def _impact(actor: Actor, incident: Incident):  # noqa: ANN202 - cmdb Impact or None
    """The business services hit through the incident's CI, if it names one we may see."""
    ci = incident.configuration_item
    if ci is None or not actor.is_agent:
        return None
    number = ci.number
    try:
        return cmdb_selectors.impact(actor, number=number, direction="up")
    except NotFound:
        return None


def list_url(back: str) -> str:
    """The page's way back: the queue it was opened from (its filters), else the default."""
    url = reverse("incidents:list")
    return f"{url}?{back}" if back else url


def _heading(incident: Incident, can: selectors.IncidentCapabilities, back: str) -> str:
    """The page's heading (``components/record_heading.html``), back to the reader's list."""
    return heading.heading_html(
        incident,
        list_url=list_url(back),
        list_label=gettext("My incidents") if can.is_requester_view else gettext("Incidents"),
        major=incident.is_major,
    )


def _record_links(actor: Actor, incident: Incident) -> list[record_links.RecordLink]:
    """What other apps offer the caller on her resolved (or closed) incident's page: the
    surveys' "Rate" while her survey waits (decision 0128). Not asked on other pages, so
    they cost no statement for it."""
    resolved = incident.status in (Status.RESOLVED, Status.CLOSED)
    if not resolved or actor.user is None or incident.caller_id != actor.user.pk:
        return []
    return record_links.links_for(actor, "incident", incident.pk)


def detail_context(actor: Actor, incident: Incident, back: str = "") -> dict:
    """Everything the record page shows; the forms are fresh unless a failed one replaces
    its own (``submit`` passes it under its name). ``back``: the queue the page was opened
    from (``queue_back``), which its way back and its forms' addresses carry."""
    can = selectors.incident_capabilities(actor, incident)
    impact = _impact(actor, incident)
    timeline = selectors.incident_timeline(actor, incident)
    return {
        "incident": incident,
        "can": can,
        "impact": impact,
        "timeline": timeline,
        # the facts and the timeline written in Python (decision 0098); "" with the switches
        # off: the template writes them
        "facts": facts.facts_html(actor, incident, can, impact) if facts.WRITTEN else "",
        "heading": _heading(incident, can, back) if heading.WRITTEN else "",
        "list_url": list_url(back),
        # the forms' addresses carry the queue, so a saved form's page still leads back to it
        "back_suffix": back_suffix(back),
        "written_timeline": (
            timeline_writer.timeline_html(
                timeline, created_text=gettext("logged the incident"), is_agent=actor.user.is_agent
            )
            if timeline_writer.WRITTEN
            else ""
        ),
        # built when the page first reads it (decision 0098): a closed incident's page and the
        # caller's without a move to offer show none of it
        "form": SimpleLazyObject(partial(UpdateForm.for_record, incident))
        if LAZY_FORM
        else UpdateForm.for_record(incident),
        "comment_form": CommentForm(work_notes=can.can_write_work_notes),
        "take_form": forms.Form(),
        # read by incident_get through incident_visible, the scope incidents' files are read
        # with: listed without reading the incident again (decision 0043)
        "attachments": attachment_card(actor, incident, read=True, suffix=back_suffix(back)),
        "record_links": _record_links(actor, incident),
    }


def submit_on_detail(
    request: HttpRequest,
    incident: Incident,
    form: forms.Form,
    save: Callable[[forms.Form], object],
    *,
    form_name: str = "form",
    partial: str = "work",
) -> HttpResponse:
    """Save a form of the record page: back to the page on success, at the form's region
    (``#work``, ``#activity``: steward.js puts the focus there, not at the page's top); on
    failure the page (or, for htmx, the form's ``partial``) again with the failed form and 422.
    Either way the page keeps the queue it was opened from (the form's address carries it)."""
    back = queue_back(request)
    return submit(
        request,
        form,
        save,
        success=f"{detail_url(incident.number, back)}#{partial}",
        template=DETAIL,
        partial=partial,
        context=lambda failed: detail_context(request.actor, incident, back),
        form_name=form_name,
    )


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """The record page: facts, SLA, the actions on offer, and the timeline."""
    incident = selectors.incident_page(request.actor, number=number)
    context = detail_context(request.actor, incident, queue_back(request))
    # the "Work it" panel of fresh forms written in Python (decision 0117); a failed form's
    # page (``submit_on_detail``) has none: the template draws it
    context["work"] = work.work_html(
        request,
        incident,
        context["can"],
        context["form"],
        context["take_form"],
        back=context["back_suffix"],
    )
    return render(request, DETAIL, context)


@login_required
@require_POST
def update(request: HttpRequest, number: str) -> HttpResponse:
    """Save edits or a status move; a stale version shows an error and offers a reload."""
    incident = selectors.incident_get(request.actor, number=number)

    def save(form: UpdateForm) -> Incident:
        changes = form.changes(incident)
        saved = services.incident_update(
            request.actor,
            number=number,
            expected_version=form.cleaned_data["version"],
            changes=changes,
        )
        # said on the page the redirect loads (base.html's role="status" list), so the person,
        # and a screen reader, knows the click did something: the panel looks the same after
        messages.success(request, saved_message(saved.number, changes.get("status")))
        return saved

    return submit_on_detail(request, incident, UpdateForm(request.POST), save)


def saved_message(number: str, status: str | None) -> str:
    """The confirmation of the update form: Save, Resolve, or another move."""
    if status == Status.RESOLVED:
        return gettext("%(number)s resolved.") % {"number": number}
    if status:
        return gettext("%(number)s saved: now %(status)s.") % {
            "number": number,
            "status": Status(status).label,
        }
    return gettext("%(number)s saved.") % {"number": number}


@login_required
@require_POST
def take(request: HttpRequest, number: str) -> HttpResponse:
    """Quick action: assign to me and start work; a refusal is shown in the "Work it" panel."""
    incident = selectors.incident_get(request.actor, number=number)
    return submit_on_detail(
        request,
        incident,
        forms.Form(request.POST),
        lambda f: services.incident_take(request.actor, number=number),
        form_name="take_form",
    )


@login_required
@require_POST
def comment(request: HttpRequest, number: str) -> HttpResponse:
    """A reply (or an agent's work note); the page comes back with it in the timeline."""
    actor = request.actor
    incident = selectors.incident_get(actor, number=number)
    can = selectors.incident_capabilities(actor, incident)
    return submit_on_detail(
        request,
        incident,
        CommentForm(request.POST, work_notes=can.can_write_work_notes),
        lambda f: services.incident_comment(
            actor,
            number=number,
            body=f.cleaned_data["body"],
            internal=f.cleaned_data.get("internal", False),
        ),
        form_name="comment_form",
        partial="activity",
    )
