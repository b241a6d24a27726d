"""Reading a raw message: pure functions on bytes, no database. Every limit here bounds the
work one hostile message can cause (deep multiparts, huge headers, unknown charsets)."""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from steward.mailboxes.services import authres, mime
from steward.mailboxes.services.mime import MAX_PARTS, Headers, Tree

if TYPE_CHECKING:
    from mailparser_reply import EmailReplyParser

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
_INLINE = frozenset({"text", "multipart"})  # main types kept as the body, not attached
SAFE_HTML_TAGS = {"p", "br", "div", "span", "b", "strong", "i", "em", "u", "ul", "ol", "li"} | {
    "blockquote", "pre", "code", "table", "thead", "tbody", "tr", "td", "th", "a", "hr",
}  # fmt: skip


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
    html: str = ""  # sanitised
    attachments: list[Part] = field(default_factory=list)
    auth_results: list[str] = field(default_factory=list)  # Authentication-Results values
    automatic: str = ""  # why it is automatic mail; empty for a person's mail
    problem: str = ""  # why it could not be parsed at all
    message: Tree | None = None  # the MIME tree; None when there is nothing to read
    headers: Headers | None = None
    _reply: str | None = field(default=None, repr=False)

    @property
    def subject_number(self) -> str:
        found = _NUMBER.search(self.subject)
        return found.group(1).upper() if found else ""

    @property
    def reply(self) -> str:
        """The text without quoted earlier messages and signature (``latest_reply``), made
        when first asked for: only a message added to a record as a reply needs it, and the
        reply parser's phrase lists cost more than the rest of a short message's parse."""
        if self._reply is None:
            self._reply = latest_reply(self.text)
        return self._reply


def fallback_id(raw: bytes) -> str:
    """A stable key for a message without a usable Message-ID: the same bytes, the same key."""
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _header(headers: Headers, name: str) -> str:
    """A header as one line of text; a header the parser cannot read counts as absent."""
    value = headers.text(name)
    if "\ufffd" in value:
        value = _eight_bit(headers, name) or value
    return _SPACE.sub(" ", value).strip()


def _eight_bit(headers: Headers, name: str) -> str:
    """A header sent as raw 8-bit bytes without RFC 2047 encoding (old clients do): read as
    UTF-8 when it is, else as Windows-1252, the usual legacy charset; '' when it has none."""
    value = headers.raw.get(name.lower())
    if value is None:
        return ""
    raw = str(value).encode("ascii", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace")


def header_block(raw: bytes, limit: int = 1 << 20) -> bytes:
    """The header lines of a message (within the first ``limit`` bytes)."""
    end = _HEADER_END.search(raw, 0, limit)
    return raw[: end.start()] + b"\r\n\r\n" if end else raw[:limit]


def parse_head(raw: bytes) -> Parsed:
    """Message-ID, sender and subject; never raises (a broken message still gets a key).
    The whole tree is parsed and walked here, once (``mime.read``); ``parse_body`` reads
    the parts it found."""
    if raw.lower().count(b"multipart/") > MAX_PARTS:
        # the parser would nest as deep as the message does before we could count: refuse
        # before parsing (a 1,000-deep message costs seconds otherwise)
        problem = f"more than {MAX_PARTS} multipart containers"
        head = parse_head(header_block(raw))
        return Parsed(message_id=head.message_id, sender=head.sender, problem=problem)
    try:
        tree = mime.read(raw)
    except Exception as exc:  # noqa: BLE001 - quarantined later with this error
        return Parsed(message_id=fallback_id(raw), problem=f"unreadable: {type(exc).__name__}")
    headers = Headers(tree.message)
    found = _ID.search(_header(headers, "Message-ID"))
    parsed = Parsed(message_id=found.group(0) if found else fallback_id(raw), message=tree)
    parsed.headers = headers
    parsed.subject = _header(headers, "Subject")[:SUBJECT_MAX]
    parsed.sender, parsed.sender_name = _sender(headers)
    if headers.present(authres.HEADER):  # every one of them, in order (decision 0093)
        parsed.auth_results = [
            str(v) for n, v in tree.message.raw_items() if n.lower() == authres.HEADER
        ][: authres.MAX_HEADERS + 1]
    return parsed


def _sender(headers: Headers) -> tuple[str, str]:
    """The one From address (lower case) and its display name on one line, or empty."""
    addresses = headers.addresses("From") or ()
    if len(addresses) != 1:
        return "", ""
    name, spec = addresses[0]
    address = spec.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return "", ""
    return address, _SPACE.sub(" ", _unescape(name)).strip()[:150]


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


def _addresses(headers: Headers, name: str, limit: int = MAX_CC) -> list[str]:
    """The valid addresses of an address header (lower case, at most ``limit``)."""
    out: list[str] = []
    for _, spec in (headers.addresses(name) or [])[:limit]:
        address = spec.strip().lower()
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
    # imported by the first message parsed (the task worker), not by every web worker that
    # imports this module with the URL configuration
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=list(REPLY_LANGUAGES))


def automatic_reason(headers: Headers, content_type: str) -> str:
    """Why this is mail a machine sent (RFC 3834 and the de-facto headers), or ''."""
    auto = _header(headers, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(headers, "Precedence").lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if headers.present(name):
            return f"{name} present"
    if headers.present("Return-Path") and _header(headers, "Return-Path") in {"<>", ""}:
        return "empty Return-Path (a bounce)"
    if content_type == "multipart/report":
        return "delivery or read report (multipart/report)"
    return ""


def _text_of(part: Message) -> str:
    """The part's text; an unknown or lying charset is read as UTF-8 with replacements.
    NUL characters are dropped: PostgreSQL's text cannot hold them (the message would be
    quarantined there and opened on SQLite), and no one writes them."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    return text.replace("\x00", "")


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


def parse_body(parsed: Parsed) -> Parsed:
    """Fill in text, sanitised HTML and attachments from the parts ``parse_head`` found;
    ``Unreadable`` when it cannot. Each part's type is read once; only the first text and
    the first HTML part are decoded, and the HTML is turned into text only when there is
    no text part."""
    tree, headers = parsed.message, parsed.headers
    if tree is None or headers is None:
        raise Unreadable("not a MIME message")
    parsed.automatic = automatic_reason(headers, tree.message.get_content_type())
    parsed.in_reply_to = (_ID.findall(_header(headers, "In-Reply-To")) or [])[:5]
    parsed.cc = _addresses(headers, "Cc")
    parsed.in_reply_to += _ID.findall(_header(headers, "References"))[-MAX_REFERENCES:][::-1]
    if tree.problem:
        raise Unreadable(tree.problem)
    plain, rich = "", ""
    for part in tree.leaves:
        content_type = part.get_content_type()
        filename = part.get_filename()
        disposition = (part.get_content_disposition() or "").lower()
        if disposition == "attachment" or filename or content_type.split("/")[0] not in _INLINE:
            data = part.get_payload(decode=True) or b""
            name = filename or f"attachment-{len(parsed.attachments) + 1}"
            parsed.attachments.append(Part(str(name), content_type, data))
        elif content_type == "text/plain" and not plain:
            plain = _text_of(part)
        elif content_type == "text/html" and not rich:
            rich = _text_of(part)
    parsed.html = sanitise_html(rich) if rich else ""
    parsed.text = (plain.replace("\r\n", "\n").strip()) if plain else html_to_text(rich)
    parsed._reply = None  # made from this text when asked for
    return parsed
