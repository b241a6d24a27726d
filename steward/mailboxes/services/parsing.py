"""Reading a raw message: pure functions on bytes, no database. Every limit here bounds the
work one hostile message can cause (deep multiparts, huge headers, unknown charsets)."""

from __future__ import annotations

import email
import functools
import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from mailparser_reply import EmailReplyParser

MAX_DEPTH = 20  # nested multiparts; real mail rarely passes 5
MAX_PARTS = 200
MAX_REFERENCES = 50
MAX_CC = 50
REPLY_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "da", "sv", "pl", "cs")
REPLY_SCAN_MAX = 100_000  # characters; the reply parser's regexes stay well under a second
SUBJECT_MAX = 200  # an incident title's limit
_ID = re.compile(r"<[^<>\s]{1,245}>")
_NUMBER = re.compile(r"\[((?:INC|REQ)\d{4,12})\]", re.I)
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote)\b[^>]*>", re.I)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BLANK_LINES = re.compile(r"\n{3,}")
SAFE_HTML_TAGS = {"p", "br", "div", "span", "b", "strong", "i", "em", "u", "ul", "ol", "li"} | {
    "blockquote", "pre", "code", "table", "thead", "tbody", "tr", "td", "th", "a", "hr",
}  # fmt: skip


HEADER_CACHE_MAX = 2000  # characters: longer header values are parsed on every read
# Entries kept across messages. Small on purpose: an entry costs about 13 KB (the parse tree
# and a header class the standard library builds for every parse), and most entries are used
# by one message only (a multipart's Content-Type names its own boundary, an attachment's
# Content-Disposition its file name). At 1,024 entries the cache took ~13 MB to fill, which
# read as a leak of ~20 KB a message (issue 16). The values alike across messages
# ("text/plain; charset=utf-8") are read by every message, so they stay in even a small LRU,
# and 64 entries also hold every structural header of one message while it is walked.
HEADER_CACHE_ENTRIES = 64
# the structural headers, read over and over while a message is walked and alike across
# messages; the others (Subject, Message-ID, …) are read once or twice and never repeat
CACHED_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})


@functools.lru_cache(maxsize=HEADER_CACHE_ENTRIES)
def _parsed_header(name: str, value: str) -> str:
    return policy.default.header_fetch_parse(name, value)


class _ParsedOncePolicy(policy.EmailPolicy):
    """``policy.default``, except that a header is parsed once: the default re-parses a
    header (RFC 5322 grammar in Python) on every read, and a message's Content-Type alone is
    read a dozen times while it is walked (50 header parses a message in the benchmark, a
    third of ingestion's time). Header objects are immutable, so a parse is shared by every
    read of the same (name, value), across messages too (Content-Type lines repeat); only
    the structural headers are kept, bounded in entries (``HEADER_CACHE_ENTRIES``) and in
    length."""

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        if len(value) > HEADER_CACHE_MAX or name.lower() not in CACHED_HEADERS:
            return super().header_fetch_parse(name, value)
        return _parsed_header(name, value)


POLICY = _ParsedOncePolicy()


class Unreadable(Exception):
    """The message cannot be processed; the text says why (shown in the quarantine)."""


@dataclass
class Part:
    """An attachment or inline file."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    """What ingestion needs from a message."""

    message_id: str
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)  # valid addresses, lower case
    text: str = ""
    reply: str = ""  # the text without quoted earlier messages and signature (``latest_reply``)
    html: str = ""  # sanitised
    attachments: list[Part] = field(default_factory=list)
    automatic: str = ""  # why it is automatic mail; empty for a person's mail
    problem: str = ""  # why it could not be parsed at all
    message: Message | None = None

    @property
    def subject_number(self) -> str:
        found = _NUMBER.search(self.subject)
        return found.group(1).upper() if found else ""


def fallback_id(raw: bytes) -> str:
    """A stable key for a message without a usable Message-ID: the same bytes, the same key."""
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _header(msg: Message, name: str) -> str:
    """A header as one line of text; a header the parser cannot read counts as absent."""
    try:
        value = str(msg.get(name) or "")
    except Exception:  # noqa: BLE001 - malformed headers must not stop the rest
        return ""
    if "\ufffd" in value:
        value = _eight_bit(msg, name) or value
    return _SPACE.sub(" ", value).strip()


def _eight_bit(msg: Message, name: str) -> str:
    """A header sent as raw 8-bit bytes without RFC 2047 encoding (old clients do): read as
    UTF-8 when it is, else as Windows-1252, the usual legacy charset; '' when it has none."""
    for key, value in msg.raw_items():
        if key.lower() != name.lower():
            continue
        raw = str(value).encode("ascii", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("windows-1252", errors="replace")
    return ""


def header_block(raw: bytes, limit: int = 1 << 20) -> bytes:
    """The header lines of a message (within the first ``limit`` bytes)."""
    end = _HEADER_END.search(raw, 0, limit)
    return raw[: end.start()] + b"\r\n\r\n" if end else raw[:limit]


def parse_head(raw: bytes) -> Parsed:
    """Message-ID, sender and subject; never raises (a broken message still gets a key)."""
    if raw.lower().count(b"multipart/") > MAX_PARTS:
        # the parser would nest as deep as the message does before we could count: refuse
        # before parsing (a 1,000-deep message costs seconds otherwise)
        problem = f"more than {MAX_PARTS} multipart containers"
        head = parse_head(header_block(raw))
        return Parsed(message_id=head.message_id, sender=head.sender, problem=problem)
    try:
        msg = email.message_from_bytes(raw, policy=POLICY)
    except Exception as exc:  # noqa: BLE001 - quarantined later with this error
        return Parsed(message_id=fallback_id(raw), problem=f"unreadable: {type(exc).__name__}")
    found = _ID.search(_header(msg, "Message-ID"))
    parsed = Parsed(message_id=found.group(0) if found else fallback_id(raw), message=msg)
    parsed.subject = _header(msg, "Subject")[:SUBJECT_MAX]
    parsed.sender, parsed.sender_name = _sender(msg)
    return parsed


def _sender(msg: Message) -> tuple[str, str]:
    """The one From address (lower case) and its display name on one line, or empty."""
    try:
        addresses = msg["From"].addresses if msg["From"] is not None else ()
    except Exception:  # noqa: BLE001 - an unreadable From is no sender
        return "", ""
    if len(addresses) != 1:
        return "", ""
    address = (addresses[0].addr_spec or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return "", ""
    return address, _SPACE.sub(" ", _unescape(addresses[0].display_name or "")).strip()[:150]


def _unescape(text: str) -> str:
    """Text the parser left with raw 8-bit bytes (as surrogates, which no database stores):
    those bytes read as UTF-8 when they are, else as Windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace")


def _addresses(msg: Message, name: str, limit: int = MAX_CC) -> list[str]:
    """The valid addresses of an address header (lower case, at most ``limit``)."""
    try:
        header = msg[name]
        addresses = header.addresses if header is not None else ()
    except Exception:  # noqa: BLE001 - an unreadable header names nobody
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


def latest_reply(text: str) -> str:
    """The new text of a reply: quoted earlier messages ("On … wrote:", "-----Original
    Message-----", Outlook's From:/Sent: block, "> " lines) and the signature cut off by
    mail-parser-reply (MIT), in the languages configured. The whole text when that leaves
    nothing, or when the text is too long to scan cheaply (the raw message keeps all).
    The library is used for its phrase lists in many languages, which hand-written rules
    would have to collect again."""
    if not text or len(text) > REPLY_SCAN_MAX:
        return text
    try:
        found = (_reply_parser().parse_reply(text) or "").strip()
    except Exception:  # noqa: BLE001 - a parser failure must not lose the message
        return text
    return found or text


@functools.cache
def _reply_parser() -> EmailReplyParser:
    return EmailReplyParser(languages=list(REPLY_LANGUAGES))


def automatic_reason(msg: Message) -> str:
    """Why this is mail a machine sent (RFC 3834 and the de-facto headers), or ''."""
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
    """The leaf parts, depth-first, walked without recursion and within the limits."""
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
    """The part's text; an unknown or lying charset is read as UTF-8 with replacements."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML body: scripts and styles dropped with their content, block ends
    as line breaks, entities decoded."""
    with_breaks = _BLOCK_END.sub(lambda m: m.group(0) + "\n", markup)
    stripped = nh3.clean(with_breaks, tags=set())
    lines = [_SPACE.sub(" ", line).strip() for line in html.unescape(stripped).splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def sanitise_html(markup: str) -> str:
    """The HTML body kept beside the text: no scripts, frames, styles or remote images."""
    return nh3.clean(
        markup,
        tags=SAFE_HTML_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in {"text", "multipart"}


def parse_body(parsed: Parsed) -> Parsed:
    """Fill in text, sanitised HTML and attachments; ``Unreadable`` when it cannot."""
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
    parsed.reply = latest_reply(parsed.text)
    return parsed
