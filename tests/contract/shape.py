"""Assertions about the DESIGN §6 response shapes, shared by every contract test."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def error_shape_problem(response: HttpResponse) -> str | None:
    """What is wrong with an error response's shape, or None when it is DESIGN §6's."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return f"not JSON but {response.get('Content-Type')!r}"
    try:
        body = response.json()
    except ValueError:
        return "unparseable JSON"
    error = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or not isinstance(error, dict):
        return f"not {{'error': {{...}}}}: {str(body)[:200]}"
    if not (
        isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
        and isinstance(error.get("fields"), dict)
    ):
        return f"error lacks code, message or fields: {error}"
    return None


def assert_error(
    response: HttpResponse, status: int, code: str, *, field: str | None = None
) -> dict[str, Any]:
    """The response is ``status`` with exactly ``{"error": {"code", "message", "fields", ...}}``.

    ``field``, when given, must be named in ``fields``. Returns the inner error object.
    """
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error, dict), body
    assert {"code", "message", "fields"} <= set(error), body
    assert isinstance(error["code"], str), body
    assert error["code"] == code, body
    assert isinstance(error["message"], str), body
    assert error["message"].strip(), body
    assert isinstance(error["fields"], dict), body
    for name, messages in error["fields"].items():
        assert isinstance(name, str), body
        assert isinstance(messages, list), body
        assert messages, body
        assert all(isinstance(m, str) and m for m in messages), body
    if field is not None:
        assert field in error["fields"], body
    return error


def assert_page(response: HttpResponse) -> dict[str, Any]:
    """A 200 list page: exactly ``{"items": [...], "next": "<cursor>" | null}``."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"items", "next"}, body
    assert isinstance(body["items"], list), body
    assert body["next"] is None or (isinstance(body["next"], str) and body["next"]), body
    return body
