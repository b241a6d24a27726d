"""Problem routes: thin, the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.core import selectors as core_selectors
from steward.core import services as core_services
from steward.core.schemas import AttachmentOut
from steward.problems import selectors, services
from steward.problems.filters import ProblemFilters
from steward.problems.schemas import (
    CommentOut,
    LinkedIncidentOut,
    LinkIn,
    ProblemCommentIn,
    ProblemCreateIn,
    ProblemOut,
    ProblemPatchIn,
)

problems = Router(tags=["problems"])


class PageParams(Schema):
    cursor: str | None = None
    limit: int | None = None


@problems.get("", response=page_of(ProblemOut))
def list_problems(request: HttpRequest, filters: Query[ProblemFilters]):
    """Problems you may see; ``known_error=true`` lists the published known errors."""
    return selectors.problem_list(request.actor, **filters.dict())


@problems.post("", response={201: ProblemOut})
def create_problem(request: HttpRequest, response: HttpResponse, payload: ProblemCreateIn):
    data = payload.dict(exclude_unset=True)
    problem = create_with_key(
        request,
        scope="problems",
        data=data,
        create=services.problem_create,
        visible=selectors.problem_visible,
    )
    return 201, tag(response, selectors.problem_get(request.actor, number=problem.number))


@problems.get("/{number}", response=ProblemOut)
def get_problem(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.problem_get(request.actor, number=number))


@problems.patch("/{number}", response=ProblemOut)
def patch_problem(
    request: HttpRequest, response: HttpResponse, number: str, payload: ProblemPatchIn
):
    services.problem_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.problem_get(request.actor, number=number))


@problems.get("/{number}/incidents", response=page_of(LinkedIncidentOut))
def list_linked_incidents(request: HttpRequest, number: str, params: Query[PageParams]):
    problem = selectors.problem_get(request.actor, number=number)
    return selectors.problem_incident_page(request.actor, problem, **params.dict())


@problems.post("/{number}/incidents", response={201: LinkedIncidentOut})
def link_incident(request: HttpRequest, number: str, payload: LinkIn):
    return 201, services.problem_link_incident(
        request.actor, number=number, incident=payload.incident
    ).incident


@problems.delete("/{number}/incidents/{incident_number}", response={204: None})
def unlink_incident(request: HttpRequest, number: str, incident_number: str):
    services.problem_unlink_incident(request.actor, number=number, incident=incident_number)
    return 204, None


@problems.get("/{number}/comments", response=page_of(CommentOut))
def list_comments(request: HttpRequest, number: str, params: Query[PageParams]):
    problem = selectors.problem_get(request.actor, number=number)
    return selectors.problem_comment_page(request.actor, problem, **params.dict())


@problems.post("/{number}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, number: str, payload: ProblemCommentIn):
    return 201, services.problem_comment(
        request.actor, number=number, body=payload.body, internal=payload.internal
    )


@problems.get("/{number}/attachments", response=page_of(AttachmentOut))
def list_attachments(request: HttpRequest, number: str, params: Query[PageParams]):
    return core_selectors.attachment_page(
        request.actor, target=f"problem/{number}", **params.dict()
    )


@problems.post("/{number}/attachments", response={201: AttachmentOut})
def add_attachment(request: HttpRequest, number: str, file: File[UploadedFile]):
    """Attach a file (multipart ``file``); always served back as a download."""
    return 201, core_services.attachment_add(
        request.actor,
        target=f"problem/{number}",
        upload=file,
        filename=file.name or "",
        size=file.size,
    )


ROUTERS = [("problems", problems)]
