"""The parsers of ``STEWARD_*`` values (steward/conf.py declares the settings): each takes the
raw text and returns the value, or raises ``ValueError`` saying what it expected, which the
start-up check reports with the variable's name."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit


def boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (true/false), got {raw!r}")


def positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(f"expected a whole number of at least 1, got {raw!r}")
    return value


def whole(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(f"expected a whole number of at least 0, got {raw!r}")
    return value


def listed(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def issuer_url(raw: str) -> str:
    """An OpenID Connect issuer: empty (single sign-on off) or an https URL without query or
    fragment; plain http only on this machine (a test's or a developer's identity provider)."""
    value = raw.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValueError(f"expected an https:// URL, got {raw!r}")
    if not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"expected an issuer URL without query or fragment, got {raw!r}")
    return value


def scopes(raw: str) -> list[str]:
    values = raw.replace(",", " ").split()
    if "openid" not in values:
        raise ValueError(f"the scopes must include openid, got {raw!r}")
    return values


def choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {raw!r}")
        return value

    return parse


# the alert severities of steward.events.choices (conf imports no app)
ALERT_SEVERITIES = ("critical", "major", "minor", "warning", "info")


def severities(raw: str) -> list[str]:
    values = [v.lower() for v in listed(raw)]
    unknown = [v for v in values if v not in ALERT_SEVERITIES]
    if unknown:
        raise ValueError(f"unknown severity {unknown[0]!r}: one of {', '.join(ALERT_SEVERITIES)}")
    return values


def flap_changes(raw: str) -> int:
    value = whole(raw)
    if value > 100:
        raise ValueError(f"expected at most 100 state changes, got {raw!r}")
    return value


def flap_minutes(raw: str) -> int:
    value = positive(raw)
    if value > 1440:
        raise ValueError(f"expected at most 1440 minutes (a day), got {raw!r}")
    return value
