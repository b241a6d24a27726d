"""Reading import files: CSV (UTF-8, a header row) and JSON, into plain row dicts.

Nothing here knows CI classes; problems with the file itself (encoding, syntax, shape)
come back as file errors with a position a person can find in an editor.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FORMATS = ("csv", "json")
RELATIONSHIP_COLUMNS = {"source", "type", "target"}
NUL = "\x00"


@dataclass
class Parsed:
    """Rows of CIs and of relationships, the CSV's columns, and what was wrong with the file."""

    cis: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] | None = None  # CSV only
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


def guess_format(filename: str, head: bytes) -> str:
    """``json`` for a .json name or a body starting with ``{``/``[``, else ``csv``."""
    if filename.lower().endswith(".json"):
        return "json"
    if filename.lower().endswith(".csv"):
        return "csv"
    return "json" if head.lstrip()[:1] in (b"{", b"[") else "csv"


def decode(data: bytes) -> tuple[str | None, str]:
    """(text, problem): UTF-8 (with or without a byte-order mark) or a clear reason."""
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return None, (
            f"the file is not UTF-8: byte 0x{byte} on line {line} cannot be read "
            "(save it as UTF-8, e.g. 'CSV UTF-8' in Excel)"
        )


def read(data: bytes, *, fmt: str) -> Parsed:
    """Parse ``data`` as ``fmt`` (csv or json)."""
    parsed = Parsed()
    if fmt not in FORMATS:
        parsed.errors.append(("format", "csv or json"))
        return parsed
    text, problem = decode(data)
    if text is None:
        parsed.errors.append(("file", problem))
        return parsed
    if not text.strip():
        parsed.errors.append(("file", "the file is empty"))
        return parsed
    if NUL in text:  # PostgreSQL's text cannot hold it: refused on both databases alike
        line = text.count("\n", 0, text.index(NUL)) + 1
        parsed.errors.append(("file", f"the file holds a NUL character on line {line}"))
        return parsed
    return _read_json(text, parsed) if fmt == "json" else _read_csv(text, parsed)


def _read_json(text: str, parsed: Parsed) -> Parsed:
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        parsed.errors.append(
            ("file", f"not valid JSON: {exc.msg} on line {exc.lineno}, column {exc.colno}")
        )
        return parsed
    except RecursionError:  # deeper than the parser goes: a file error, not a 500
        parsed.errors.append(("file", "not valid JSON: nested too deeply"))
        return parsed
    if isinstance(body, list):
        body = {"cis": body}
    if not isinstance(body, dict) or set(body) - {"cis", "relationships"}:
        parsed.errors.append(("file", 'expected {"cis": [...], "relationships": [...]}'))
        return parsed
    for name in ("cis", "relationships"):
        rows = body.get(name) or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            parsed.errors.append((name, "expected a list of objects"))
            continue
        setattr(parsed, name, rows)
        for number, row in enumerate(rows, 1):
            if _holds_nul(row):  # written as \u0000 in the file
                parsed.errors.append((name, f"row {number} holds a NUL character (\\u0000)"))
    return parsed


def _holds_nul(value: Any) -> bool:
    """Any string in ``value`` (keys too) holds NUL; a loop, as JSON may nest deeper than
    Python's recursion limit allows a walk."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _read_csv(text: str, parsed: Parsed) -> Parsed:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        parsed.errors.append(("file", f"no header row ({exc})"))
        return parsed
    parsed.columns = header
    seen: set[str] = set()
    for name in header:
        if not name:
            parsed.errors.append(("file", "a column has no name in the header row"))
        elif name in seen:
            parsed.errors.append((name, "the column appears twice in the header row"))
        seen.add(name)
    if parsed.errors:
        return parsed
    # a file of source,type,target rows holds relationships; anything else holds CIs
    relationships = seen >= RELATIONSHIP_COLUMNS and not {"ci_class", "class"} & seen
    rows = parsed.relationships if relationships else parsed.cis
    width = len(header)
    try:
        for line in reader:
            if not any(cell.strip() for cell in line):
                rows.append({})  # keeps row numbers equal to data line numbers
                continue
            row = {name: cell.strip() for name, cell in zip(header, line, strict=False) if cell}
            if len(line) > width:
                row["__extra__"] = _("%(cells)s cells but %(columns)s columns") % {
                    "cells": len(line),
                    "columns": width,
                }
            rows.append(row)
    except csv.Error as exc:
        parsed.errors.append(("file", f"line {reader.line_num}: {exc}"))
    return parsed
