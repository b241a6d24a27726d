"""RFC 5545 iCalendar text for a list of changes, written by hand.

Why by hand: the feed needs a dozen properties, and the rules that matter (CRLF line
ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT escaping, UTC
times) fit in this module; a runtime dependency for them is not worth it. The tests parse
the output with the ``icalendar`` package to hold it to the standard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

PRODID = "-//Steward//Change calendar//EN"
LIMIT = 75  # octets per line, without the CRLF


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces joined by CRLF and a space (§3.1)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        limit = LIMIT if not out else LIMIT - 1  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    changes: Iterable[Any], *, name: str, domain: str, base_url: str, now: dt.datetime
) -> str:
    """A VCALENDAR with one VEVENT per change that has a planned window."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    stamp = utc(now)
    for change in changes:
        if change.planned_start is None or change.planned_end is None:
            continue
        cis = ", ".join(sorted(ci.number for ci in change.cis.all()))
        description = (
            f"{change.type} change, risk {change.risk_level}, {change.status}\n"
            f"Team: {change.team or '-'}; assignee: {change.assignee or '-'}\n"
            f"CIs: {cis or '-'}\n\n{change.description}"
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{change.number}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(change.planned_start)}",
            f"DTEND:{utc(change.planned_end)}",
            f"SEQUENCE:{change.version}",
            f"SUMMARY:{escape(f'{change.number} {change.title}')}",
            f"DESCRIPTION:{escape(description)}",
            f"URL:{base_url}/changes/{change.number}/",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
