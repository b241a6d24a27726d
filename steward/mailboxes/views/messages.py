"""Received mail and the quarantine: the list (quarantined first by default), one message
with its error, the original download, and the retry and discard buttons."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from steward.core.errors import DomainError, NotFound
from steward.core.filters import parse_query
from steward.mailboxes import selectors, services
from steward.mailboxes.filters import MessageFilters
from steward.mailboxes.forms import MessageFilterForm
from steward.mailboxes.selectors.messages import INCIDENT, REQUEST
from steward.mailboxes.services.parsing import parse_body, parse_head, sanitise_html
from steward.mailboxes.views.access import administrator
from steward.web.forms import wants_partial


@login_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    """Received messages, newest first; ``?status=quarantined`` is the quarantine."""
    actor = administrator(request.actor)
    query = request.GET.copy()
    if "status" not in query:
        query["status"] = "quarantined"
    filters, errors = parse_query(MessageFilters, query)
    page = None if errors else selectors.message_list(actor, **filters.dict())
    form = MessageFilterForm({"q": query.get("q", ""), "status": query.get("status", "")})
    form.show_errors(errors)
    context = {"page": page, "filters": form, "tab": "messages", "empty": _empty_text(query)}
    partial = wants_partial(request) and request.GET.get("partial")
    template = "mailboxes/message_list.html#rows" if partial else "mailboxes/message_list.html"
    return render(request, template, context, status=422 if errors else 200)


def _empty_text(query) -> str:  # noqa: ANN001 - a QueryDict
    """What an empty list says: the page opens on the quarantine, so "No mail here." read as
    if no mail had come in while the search matched mail of another outcome."""
    q, status = query.get("q", ""), query.get("status", "")
    if not q and status == "quarantined":
        return _("Nothing in quarantine.")
    if q or status:
        return _("No mail matches this search and outcome.")
    return _("No mail received yet.")


@login_required
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One received message: sender, what became of it and why."""
    actor = administrator(request.actor)
    message = selectors.message_get(actor, pk=pk)
    return render(request, "mailboxes/message_detail.html", _shown(message))


@login_required
@require_GET
def message_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The original message as received, as a download (never rendered in the page)."""
    actor = administrator(request.actor)
    return _download(selectors.message_get(actor, pk=pk))


def _plain_text(message) -> str:  # noqa: ANN001
    """The message's text as ingestion read it (the whole text, quotes included)."""
    try:
        return parse_body(parse_head(bytes(message.raw))).text
    except Exception:  # noqa: BLE001 - a message that cannot be read again shows no text
        return ""


NOUN = {INCIDENT: "incident", REQUEST: "request"}
PAGES = {INCIDENT: "incidents:detail", REQUEST: "catalog:detail"}


def _record_url(record_type: str, number: str) -> str:
    return reverse(PAGES[record_type], args=[number])


@login_required
@require_GET
def comment_mail(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The mail a comment came from, for agents who may see its record: the whole plain
    text, the sanitised HTML beside it (inert: no scripts, styles, frames or images), and
    the original as a download."""
    message = selectors.message_for_comment(request.actor, comment_id=comment_id)
    # sanitised when stored; again here, so a stored row never reaches the page unchecked
    context = {
        "message": message,
        "text": _plain_text(message),
        "html": sanitise_html(message.html) if message.html else "",
        "raw_url": reverse("mailboxes:comment_mail_raw", args=[comment_id]),
        "record_url": _record_url(message.record_type, message.record_number),
        "record_number": message.record_number,
    }
    return render(request, "mailboxes/comment_mail.html", context)


@login_required
@require_GET
def comment_mail_raw(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The original of a comment's mail, as a download, for the same agents."""
    message = selectors.message_for_comment(request.actor, comment_id=comment_id)
    return _download(message)


@login_required
@require_GET
def opening_mail(request: HttpRequest, kind: str, number: str) -> HttpResponse:
    """The mail that opened an incident or a request, for agents who may see it: the whole
    text, the sanitised HTML, and the original as a download (as for a reply's mail)."""
    message = selectors.message_opening(request.actor, record_type=kind, number=number)
    context = {
        "message": message,
        "text": _plain_text(message),
        "html": sanitise_html(message.html) if message.html else "",
        "raw_url": reverse(f"mailboxes:opened_{NOUN[kind]}_raw", args=[number]),
        "record_url": _record_url(kind, number),
        "record_number": number,
        "opening": True,
    }
    return render(request, "mailboxes/comment_mail.html", context)


@login_required
@require_GET
def opening_mail_raw(request: HttpRequest, kind: str, number: str) -> HttpResponse:
    """The original of the mail that opened the record, as a download, for the same agents."""
    return _download(selectors.message_opening(request.actor, record_type=kind, number=number))


def _download(message) -> HttpResponse:  # noqa: ANN001
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _shown(message) -> dict:  # noqa: ANN001 - an InboundMessage
    return {"message": message, "held_unauthenticated": selectors.held_unauthenticated(message)}


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:  # noqa: ANN001
    actor = administrator(request.actor)
    try:
        action(actor, pk=pk)
    except NotFound:
        raise
    except DomainError as exc:
        message = selectors.message_get(actor, pk=pk)
        context = {**_shown(message), "error": exc.message}
        return render(request, "mailboxes/message_detail.html", context, status=409)
    return redirect("mailboxes:message_detail", pk=pk)


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a quarantined message through ingestion again."""
    return _act(request, pk, services.message_retry)


@login_required
@require_POST
def message_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Let in a message held because its sender was not authenticated (vouched for)."""
    return _act(request, pk, services.message_release)


@login_required
@require_POST
def message_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up on a quarantined message."""
    return _act(request, pk, services.message_discard)
