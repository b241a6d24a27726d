"""A request's answers as its pages show them: labelled as the form asked them, and the
files of attachment questions as links (downloads are checked against the request again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from steward.catalog.choices import FieldType
from steward.catalog.models import Request


@dataclass(frozen=True)
class Answer:
    label: str
    value: Any
    files: list[dict] = field(default_factory=list)  # {id, filename, size}


def request_answers(req: Request) -> list[Answer]:
    """The answers of a request the actor may see, in the order they were given."""
    fields = {f["key"]: f for f in req.item.form}
    rows = []
    for key, value in req.answers.items():
        asked = fields.get(key, {})
        if asked.get("type") == FieldType.ATTACHMENT and isinstance(value, list):
            files = [f for f in value if isinstance(f, dict) and "id" in f]
            rows.append(Answer(asked.get("label", key), "", files))
        else:
            rows.append(Answer(asked.get("label", key), value))
    return rows
