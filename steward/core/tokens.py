"""API token material: generated once, only its digest kept."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "stw_"  # noqa: S105 - a marker, not a secret


def generate() -> tuple[str, str, str]:
    """A new raw token with its display prefix and SHA-256 digest."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, raw[:10], digest(raw)


def digest(raw: str) -> str:
    # Tokens are 256-bit random, so a fast hash is safe here (unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()
