"""The parse as it was before decision 0025, kept as the oracle of
``test_parse_equality.py``: the message parsed with ``policy.default`` and every header read
through it, the tree walked as ``parse_body`` walked it (commit db0227c). The text helpers
that did not change (reply stripping, HTML to text, sanitising, the fallback key) are the
production ones; everything that reads MIME and headers is frozen here, but for two rules
changed since in both: an address header given twice or read only by guessing names nobody,
and a body's NUL characters are dropped (docs/email.md)."""

from __future__ import annotations

import email
from email import policy
from email.errors import InvalidHeaderDefect
from email.message import Message

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from steward.mailboxes.services.mime import MAX_DEPTH, MAX_PARTS
from steward.mailboxes.services.parsing import (
    _ID,
    _SPACE,
    MAX_CC,
    MAX_REFERENCES,
    SUBJECT_MAX,
    Parsed,
    Part,
    Unreadable,
    _unescape,
    fallback_id,
    header_block,
    html_to_text,
    latest_reply,
    sanitise_html,
)


def parse(raw: bytes) -> dict:
    """Every field ``parse_head`` and ``parse_body`` filled, or the body's error."""
    head = parse_head(raw)
    out = {"head": fields(head)}
    if head.message is None:
        return out
    try:
        parse_body(head)
    except Exception as exc:  # noqa: BLE001 - the error is part of the result compared
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    out["body"] = fields(head)
    out["reply"] = latest_reply(head.text)
    return out


def fields(parsed: Parsed) -> dict:
    names = ("message_id", "sender", "sender_name", "subject", "in_reply_to", "cc", "text")
    out = {name: getattr(parsed, name) for name in names}
    out |= {"html": parsed.html, "automatic": parsed.automatic, "problem": parsed.problem}
    out["attachments"] = [(p.filename, p.content_type, p.data) for p in parsed.attachments]
    return out


def _header(msg: Message, name: str) -> str:
    try:
        value = str(msg.get(name) or "")
    except Exception:  # noqa: BLE001
        return ""
    if "\ufffd" in value:
        value = _eight_bit(msg, name) or value
    return _SPACE.sub(" ", value).strip()


def _eight_bit(msg: Message, name: str) -> str:
    for key, value in msg.raw_items():
        if key.lower() != name.lower():
            continue
        raw = str(value).encode("ascii", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("windows-1252", errors="replace")
    return ""


def parse_head(raw: bytes) -> Parsed:
    if raw.lower().count(b"multipart/") > MAX_PARTS:
        problem = f"more than {MAX_PARTS} multipart containers"
        head = parse_head(header_block(raw))
        return Parsed(message_id=head.message_id, sender=head.sender, problem=problem)
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # noqa: BLE001
        return Parsed(message_id=fallback_id(raw), problem=f"unreadable: {type(exc).__name__}")
    found = _ID.search(_header(msg, "Message-ID"))
    parsed = Parsed(message_id=found.group(0) if found else fallback_id(raw), message=msg)
    parsed.subject = _header(msg, "Subject")[:SUBJECT_MAX]
    parsed.sender, parsed.sender_name = _sender(msg)
    return parsed


def _read_addresses(msg: Message, name: str) -> tuple:
    """The header's addresses; none when it is given twice or read only by guessing (an
    ``InvalidHeaderDefect``): the one rule changed since the freeze (docs/email.md)."""
    if len(msg.get_all(name) or ()) > 1:
        return ()
    header = msg[name]
    if header is None or any(isinstance(d, InvalidHeaderDefect) for d in header.defects):
        return ()
    return header.addresses


def _sender(msg: Message) -> tuple[str, str]:
    try:
        addresses = _read_addresses(msg, "From")
    except Exception:  # noqa: BLE001
        return "", ""
    if len(addresses) != 1:
        return "", ""
    address = (addresses[0].addr_spec or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return "", ""
    return address, _SPACE.sub(" ", _unescape(addresses[0].display_name or "")).strip()[:150]


def _addresses(msg: Message, name: str, limit: int = MAX_CC) -> list[str]:
    try:
        addresses = _read_addresses(msg, name)
    except Exception:  # noqa: BLE001
        return []
    out: list[str] = []
    for item in addresses[:limit]:
        address = (item.addr_spec or "").strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            continue
        if address not in out:
            out.append(address)
    return out


def automatic_reason(msg: Message) -> str:
    auto = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(msg, "Precedence").lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if msg.get(name) is not None:
            return f"{name} present"
    if msg.get("Return-Path") is not None and _header(msg, "Return-Path") in {"<>", ""}:
        return "empty Return-Path (a bounce)"
    if msg.get_content_type() == "multipart/report":
        return "delivery or read report (multipart/report)"
    return ""


def _parts(msg: Message) -> list[Message]:
    leaves: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            raise Unreadable(f"multipart nested deeper than {MAX_DEPTH} levels")
        if seen > MAX_PARTS:
            raise Unreadable(f"more than {MAX_PARTS} parts")
        if part.is_multipart():
            children = part.get_payload()
            stack.extend((child, depth + 1) for child in reversed(children))
        else:
            leaves.append(part)
    return leaves


def _text_of(part: Message) -> str:
    """Changed since the freeze as production did: NUL characters dropped."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    return text.replace("\x00", "")


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in {"text", "multipart"}


def parse_body(parsed: Parsed) -> Parsed:
    msg = parsed.message
    if msg is None:
        raise Unreadable("not a MIME message")
    parsed.automatic = automatic_reason(msg)
    parsed.in_reply_to = (_ID.findall(_header(msg, "In-Reply-To")) or [])[:5]
    parsed.cc = _addresses(msg, "Cc")
    parsed.in_reply_to += _ID.findall(_header(msg, "References"))[-MAX_REFERENCES:][::-1]
    plain, rich = "", ""
    for part in _parts(msg):
        if _is_attachment(part):
            data = part.get_payload(decode=True) or b""
            name = part.get_filename() or f"attachment-{len(parsed.attachments) + 1}"
            parsed.attachments.append(Part(str(name), part.get_content_type(), data))
        elif part.get_content_type() == "text/plain" and not plain:
            plain = _text_of(part)
        elif part.get_content_type() == "text/html" and not rich:
            rich = _text_of(part)
    parsed.html = sanitise_html(rich) if rich else ""
    parsed.text = (plain.replace("\r\n", "\n").strip()) if plain else html_to_text(rich)
    return parsed
