"""Refuse oversize request bodies and URLs before anything reads them, and give errors
raised outside ninja the API's error shape."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def error_body(code: str, message: str, fields: dict | None = None, **extra: object) -> dict:
    """The one error shape of DESIGN §6."""
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


class BodySizeLimitMiddleware:
    """413 for a declared body above the limit: uploads get the attachment limit, JSON less."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        is_multipart = request.content_type == "multipart/form-data"
        # multipart overhead (boundaries, headers) on top of the file itself
        limit = settings.MAX_UPLOAD_BYTES + 64 * 1024 if is_multipart else settings.MAX_JSON_BYTES
        if length > limit:
            return JsonResponse(
                error_body(
                    "payload_too_large",
                    f"Request body is larger than {limit} bytes.",
                    {"body": ["too large"]},
                ),
                status=413,
            )
        return self.get_response(request)


class UrlLengthLimitMiddleware:
    """414 for a URL longer than ``MAX_URL_BYTES``, in the error shape under /api/.

    ``steward serve`` lets gunicorn pass long request lines through (up to 1 MiB) so that
    this answers them, rather than gunicorn's own HTML error page (docs/security.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if len(request.path) + len(query) > settings.MAX_URL_BYTES:
            message = f"Request URL is longer than {settings.MAX_URL_BYTES} bytes."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    error_body("uri_too_long", message, {"url": ["too long"]}), status=414
                )
            return HttpResponse(message, status=414, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ApiErrorShapeMiddleware:
    """Errors raised outside ninja (unknown route, wrong method) get the API's error shape."""

    CODES = {404: "not_found", 405: "method_not_allowed", 500: "server_error"}
    MESSAGES = {
        404: "No such API route.",
        405: "Method not allowed on this route.",
        500: "Something went wrong on our side; it is logged.",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in self.CODES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            shaped = JsonResponse(
                error_body(self.CODES[status], self.MESSAGES[status]), status=status
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
