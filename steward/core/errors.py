"""Domain errors: ``steward.api`` maps them to DESIGN §6 responses, ``steward.web`` to forms."""

from __future__ import annotations

from django.utils.translation import gettext as _


class DomainError(Exception):
    """Base of every error a client can cause; never a 500."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def extra(self) -> dict:
        return {}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]], message: str = "") -> None:
        names = ", ".join(sorted(fields))
        super().__init__(
            message or _("Invalid value for: %(names)s.") % {"names": names}, fields=fields
        )

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]}, message=f"{field}: {message}")


class NotFound(DomainError):
    """Absent, or present but not visible to the actor: the two must look the same."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Not found."))


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, source: str, target: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) or _("none")
        super().__init__(
            _("Cannot move from %(source)s to %(target)s; allowed next states: %(allowed)s.")
            % {"source": repr(source), "target": repr(target), "allowed": allowed_text},
            fields={"status": [_("allowed: %(allowed)s") % {"allowed": allowed_text}]},
        )
        self.allowed = allowed

    def extra(self) -> dict:
        return {"allowed": self.allowed}


class StaleVersion(DomainError):
    status = 412
    code = "stale_version"

    def __init__(self, current: int) -> None:
        super().__init__(
            _("The record changed since you read it (now version %(current)s); reload and retry.")
            % {"current": current},
            fields={"version": [_("current version is %(current)s") % {"current": current}]},
        )
        self.current = current

    def extra(self) -> dict:
        return {"current_version": self.current}


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Throttled(DomainError):
    status = 429
    code = "throttled"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
