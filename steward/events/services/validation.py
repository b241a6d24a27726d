"""The pure checks of an event, called by every write path (the API, the demo, tests): each
refusal names its field, so a monitoring tool's bad event is a 422, never a 500."""

from __future__ import annotations

import json
from typing import Any

from steward.core.errors import ValidationFailed
from steward.core.text import is_single_line
from steward.events.choices import Severity

# the check's name, the node and the sender's key as a monitoring tool may send them: longer
# than their columns, whose copies are cut (``stored_event``); the whole text keys the dedup
# (the fingerprint is a hash) and is kept in the details under ``steward.<field>``
MAX_NAME = 2048
RESOURCE_COLUMN = 255  # Alert.resource's, Alert.node's and Alert.key's max_length
MAX_NAME_DETAIL = 2048  # bytes of JSON of the whole text kept in the details (2 KiB)
# the fields taken past their column (decisions 0121, 0124)
CUT_TO_COLUMN = ("node", "resource", "key")
# the details' keys Steward writes the whole texts under (``steward.node``): a sender's own
# ``node`` detail is its data and stays; a sender may not use the prefix (decision 0124)
WHOLE_PREFIX = "steward."
# (field, longest, required)
TEXTS = (
    ("source", 40, True),
    ("node", MAX_NAME, True),
    ("resource", MAX_NAME, True),
    ("summary", 500, True),
    ("key", MAX_NAME, False),
)
MAX_DETAILS_BYTES = 8 * 1024
MAX_DETAILS_DEPTH = 5


def _depth(value: Any) -> int:
    """How deeply objects and arrays nest in ``value`` (a scalar: 0)."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _encodes(text: str) -> bool:
    """Whether ``text`` is storable Unicode (JSON's ``\\ud800`` escapes decode to lone
    surrogates, which neither UTF-8 nor the databases take)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _text(errors: dict[str, list[str]], name: str, value: Any, longest: int, required: bool):
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = ["must be text"]
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = ["required"]
    elif len(value) > longest:
        errors[name] = [f"at most {longest} characters"]
    elif not is_single_line(value):
        errors[name] = ["one line of text: no line breaks or control characters"]
    elif not _encodes(value):
        errors[name] = ["not valid Unicode text"]
    return value


def _details(errors: dict[str, list[str]], value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors["details"] = ["must be a JSON object"]
        return {}
    try:  # NaN and Infinity are not JSON; a lone surrogate is not storable text
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        errors["details"] = ["not valid JSON: no NaN or Infinity"]
        return {}
    if not _encodes(text):
        errors["details"] = ["not valid Unicode text"]
    elif len(text.encode()) > MAX_DETAILS_BYTES:
        errors["details"] = [f"at most {MAX_DETAILS_BYTES} bytes of JSON"]
    elif "\\u0000" in text or "\x00" in text:
        errors["details"] = ["may not hold NUL characters"]
    elif _depth(value) > MAX_DETAILS_DEPTH:
        errors["details"] = [f"at most {MAX_DETAILS_DEPTH} levels deep"]
    elif any(str(name).startswith(WHOLE_PREFIX) for name in value):
        errors["details"] = [f"keys beginning with {WHOLE_PREFIX} are Steward's own"]
    return value


def clean_event(values: dict[str, Any]) -> dict[str, Any]:
    """The event's fields trimmed and checked; ``ValidationFailed`` naming each bad field."""
    errors: dict[str, list[str]] = {}
    clean = {
        name: _text(errors, name, values.get(name), longest, required)
        for name, longest, required in TEXTS
    }
    severity = values.get("severity")
    if severity not in Severity.values:
        errors["severity"] = [f"one of {', '.join(Severity.values)}"]
    clean["severity"] = severity
    clean["details"] = _details(errors, values.get("details"))
    if errors:
        raise ValidationFailed(errors)
    return clean


def fit_json(text: str, budget: int) -> str:
    """``text`` cut to at most ``budget`` characters and ``budget`` bytes of JSON (as the
    alert's details are measured: UTF-8, escapes counted)."""

    def size(part: str) -> int:
        return len(json.dumps(part, ensure_ascii=False).encode(errors="replace"))

    text = text[:budget]
    if size(text) <= budget:
        return text
    low, high = 0, len(text)  # the longest prefix that fits: size grows with the length
    while low < high:
        middle = (low + high + 1) // 2
        if size(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def stored_event(clean: dict[str, Any]) -> dict[str, Any]:
    """A cleaned event as the alert keeps it: a name, node or key longer than its column cut
    to it (an ellipsis says so) and whole in the details under ``steward.<field>`` (at most
    2 KiB of JSON each), beside the sender's own details, whose ``node`` stays theirs.
    Called after the fingerprint is taken of the whole text, so two names (nodes, keys)
    alike in their first 254 characters stay two alerts and each one's repeats join it
    (decisions 0121, 0124)."""
    cut = {name: clean[name] for name in CUT_TO_COLUMN if len(clean[name]) > RESOURCE_COLUMN}
    if not cut:
        return clean
    whole = {WHOLE_PREFIX + n: fit_json(t, MAX_NAME_DETAIL) for n, t in cut.items()}
    details = {**clean["details"], **whole}
    short = {n: t[: RESOURCE_COLUMN - 1] + "\u2026" for n, t in cut.items()}
    return {**clean, **short, "details": details}
