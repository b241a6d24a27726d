"""Every error becomes the DESIGN §6 shape, in one place."""

from __future__ import annotations

import logging
import re

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from steward.api.middleware import error_body
from steward.api.parser import DuplicateKey, NonFinite
from steward.core.errors import DomainError, Throttled

log = logging.getLogger("steward.api")


def _loc_name(loc: list) -> str:
    # ninja locations look like ["body", "payload", "name"] or ["query", "limit"]
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


# SQLite: "NOT NULL constraint failed: core_user.phone"; PostgreSQL: 'null value in column
# "phone" of relation "core_user" violates not-null constraint'.
NOT_NULL = re.compile(r'NOT NULL constraint failed: \w+\.(\w+)|null value in column "(\w+)"')


def not_null_column(exc: IntegrityError) -> str | None:
    """The field a NOT NULL violation names, or None for any other integrity error."""
    match = NOT_NULL.search(str(exc))
    if match is None:
        return None
    return (match.group(1) or match.group(2)).removesuffix("_id")


def install(api: NinjaAPI) -> None:
    """Register handlers so no client mistake becomes a 500."""

    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = respond(
            request, exc.status, error_body(exc.code, exc.message, exc.fields, **exc.extra())
        )
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            name = _loc_name(list(err.get("loc", [])))
            message = err.get("msg", "invalid")
            if err.get("type") == "extra_forbidden":
                message = "unknown field"
            elif err.get("type") == "json_invalid":
                return respond(
                    request,
                    400,
                    error_body(
                        "malformed_json", "Request body is not valid JSON.", {"body": [message]}
                    ),
                )
            fields.setdefault(name, []).append(message)
        names = ", ".join(sorted(fields))
        return respond(
            request, 422, error_body("validation_error", f"Invalid value for: {names}.", fields)
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = respond(
            request,
            401,
            error_body("not_authenticated", "Missing, invalid, expired or revoked credentials."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="steward"'
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(
            request,
            413,
            error_body("payload_too_large", "Request body is too large.", {"body": ["too large"]}),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, DuplicateKey):  # ninja's 400 for a body it cannot read
            name = exc.__cause__.key
            return respond(
                request,
                422,
                error_body(
                    "validation_error", f"Invalid value for: {name}.", {name: ["given twice"]}
                ),
            )
        if isinstance(exc.__cause__, NonFinite):  # NaN, Infinity, 1e400
            name = exc.__cause__.path
            return respond(
                request,
                422,
                error_body(
                    "validation_error",
                    f"Invalid value for: {name}.",
                    {name: [gettext("a finite number (JSON has no NaN or Infinity)")]},
                ),
            )
        if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
            return respond(
                request,
                400,
                error_body(
                    "malformed_json",
                    "Request body is not valid JSON.",
                    {"body": ["not valid JSON"]},
                ),
            )
        codes = {
            400: "bad_request",
            401: "not_authenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }
        return respond(
            request,
            exc.status_code,
            error_body(codes.get(exc.status_code, "error"), str(exc.message)),
        )

    @api.exception_handler(IntegrityError)
    def integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # The last line of defence for a null a schema let through: the service's
        # transaction has rolled back, so nothing was written; the client gets a 422.
        column = not_null_column(exc)
        if column is None:
            return unexpected(request, exc)
        log.warning(
            "null for %s reached the database on %s %s", column, request.method, request.path
        )
        return respond(
            request,
            422,
            error_body(
                "validation_error",
                f"Invalid value for: {column}.",
                {column: ["may not be null"]},
            ),
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("unhandled API error on %s %s", request.method, request.path)
        return respond(
            request,
            500,
            error_body("server_error", "Something went wrong on our side; it is logged."),
        )
