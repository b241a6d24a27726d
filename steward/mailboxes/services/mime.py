"""A message's MIME tree and headers read once (issue 16, decision 0025).

``policy.default`` builds a header object (the RFC 5322 grammar, in Python) on every read
of a header, and the parser itself reads each part's Content-Type several times while it
splits the message: 4.4 ms of a typical message's 5.5 ms went there. This module parses
with ``policy.compat32`` instead, where a header is its string, and keeps the answers
``policy.default`` would give:

- **structure**: the tree is used only when every part's Content-Type,
  Content-Disposition and Content-Transfer-Encoding is *plain* (``_STRUCTURAL``: ASCII
  tokens and quoted strings, no encoded words, RFC 2231 parameters, comments or escapes),
  where both policies read the same type, boundary, charset and file name. Any other
  message (a non-ASCII file name, a comment, a walk over the limits) is parsed again with
  ``policy.default``, the standard parse, and walked the same way;
- **headers**: the first value of each name is taken once (``Headers``); a plain value is
  read by a small grammar whose answers equal ``policy.default``'s (``_PLAIN_TEXT``,
  ``_PLAIN_ADDRESS``, ``_PLAIN_ID``), anything else goes through ``policy.default``'s own
  header parser, once.

``tests/mailboxes/test_parse_equality.py`` holds both paths to the standard parse over the
corpus, generated mail and hostile shapes.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.errors import InvalidHeaderDefect
from email.message import Message

MAX_DEPTH = 20  # nested multiparts; real mail rarely passes 5
MAX_PARTS = 200

_TOKEN = r"[A-Za-z0-9!#$&+.^_`{|}~-]+"  # noqa: S105 - RFC 2045 token, less % ' * (RFC 2231)
_FWS = r"(?:[ \t]|\r?\n[ \t])*"
_PARAMS = rf'(?:;{_FWS}{_TOKEN}{_FWS}={_FWS}(?:{_TOKEN}|"[^"\\\r\n]*"){_FWS})*'
_STRUCTURAL = {
    "content-type": re.compile(rf"{_FWS}{_TOKEN}/{_TOKEN}{_FWS}{_PARAMS}"),
    "content-disposition": re.compile(rf"{_FWS}{_TOKEN}{_FWS}{_PARAMS}"),
    "content-transfer-encoding": re.compile(rf"{_FWS}{_TOKEN}{_FWS}"),
}
# an unstructured value policy.default returns as it came (unfolded): printable ASCII
_PLAIN_TEXT = re.compile(r"[\x20-\x7e\t\r\n]*")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
# "Name Words <local@domain>" or "local@domain": no quotes, comments, groups or encoded words
_SPEC = rf"{_DOT_ATOM}@{_DOT_ATOM}"
_PLAIN_ADDRESS = re.compile(rf"[ \t]*(?:([A-Za-z0-9' _-]*?)[ \t]*<({_SPEC})>|({_SPEC}))[ \t]*")
_PLAIN_ID = re.compile(rf"[ \t]*<{_SPEC}>[ \t]*")
_UNFOLD = re.compile(r"\r|\n")
_ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "sender", "reply-to"})


class WalkFailed(Exception):
    """A tree over the limits; the text says which (the quarantine shows it)."""


@dataclass
class Tree:
    """A parsed message and its leaf parts, depth-first."""

    message: Message
    leaves: list[Message] = field(default_factory=list)
    problem: str = ""  # the walk's limit, raised by ``parse_body`` as before
    standard: bool = False  # parsed with policy.default (not plain)


def read(raw: bytes) -> Tree:
    """The message's tree: the quick parse when it is plain, else the standard one.
    Raises what the parser raises (the caller quarantines it)."""
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    try:
        return Tree(msg, _walk(msg, check=True))
    except (_NotPlain, WalkFailed):
        pass
    msg = email.message_from_bytes(raw, policy=policy.default)
    try:
        return Tree(msg, _walk(msg, check=False), standard=True)
    except WalkFailed as exc:
        return Tree(msg, problem=str(exc), standard=True)


class _NotPlain(Exception):
    pass


def _walk(msg: Message, *, check: bool) -> list[Message]:
    """The leaf parts, depth-first, without recursion and within the limits; with
    ``check``, every part's structural headers must be plain."""
    leaves: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            raise WalkFailed(f"multipart nested deeper than {MAX_DEPTH} levels")
        if seen > MAX_PARTS:
            raise WalkFailed(f"more than {MAX_PARTS} parts")
        if check:
            for name, value in part.raw_items():
                grammar = _STRUCTURAL.get(name.lower())
                if grammar is not None and (not grammar.fullmatch(value) or "=?" in value):
                    raise _NotPlain
        if part.is_multipart():
            stack.extend((child, depth + 1) for child in reversed(part.get_payload()))
        else:
            leaves.append(part)
    return leaves


class Headers:
    """The top-level headers, each name's first value taken once, read as
    ``policy.default`` reads them (a header that cannot be read counts as absent)."""

    def __init__(self, msg: Message) -> None:
        self.raw: dict[str, str] = {}
        self.repeated: set[str] = set()
        for name, value in msg.raw_items():
            lower = name.lower()
            if lower in self.raw:
                self.repeated.add(lower)
            else:
                self.raw[lower] = value

    def present(self, name: str) -> bool:
        return name.lower() in self.raw

    def text(self, name: str) -> str:
        """The decoded value as ``str(msg[name])`` under ``policy.default``; '' if absent
        or unreadable."""
        value = self.raw.get(name.lower())
        if value is None:
            return ""
        if "=?" not in value and _PLAIN_TEXT.fullmatch(value) and self._plain_kind(name, value):
            return _UNFOLD.sub("", value)
        try:
            return str(policy.default.header_fetch_parse(name, value) or "")
        except Exception:  # noqa: BLE001 - malformed headers must not stop the rest
            return ""

    @staticmethod
    def _plain_kind(name: str, value: str) -> bool:
        """Structured headers return their value unchanged only in their plain forms."""
        lower = name.lower()
        if lower == "message-id":
            return bool(_PLAIN_ID.fullmatch(value))
        # address and structural headers are never read as text here: the standard parser
        return lower not in _ADDRESS_HEADERS and lower not in _STRUCTURAL

    def addresses(self, name: str) -> list[tuple[str, str]] | None:
        """(display name, addr-spec) of each address, as ``msg[name].addresses`` gives
        them; ``None`` when absent, ``[]`` when unreadable. An address header given twice, or
        one the standard parser reads only by guessing (``alice@example.com
        <mallory@evil.test>`` reads as alice), is unreadable: the address a mail server's
        DMARC check took may be another one than the guess, so a sender's claim would rest
        on a check made for somebody else."""
        value = self.raw.get(name.lower())
        if value is None:
            return None
        if name.lower() in self.repeated:
            return []
        items = _UNFOLD.sub("", value).split(",")
        found = [_PLAIN_ADDRESS.fullmatch(item) for item in items]
        if "=?" not in value and all(found):
            return [(" ".join((m[1] or "").split()), m[2] or m[3]) for m in found]  # type: ignore[index]
        try:
            header = policy.default.header_fetch_parse(name, value)
            if any(isinstance(d, InvalidHeaderDefect) for d in header.defects):
                return []
            return [(a.display_name or "", a.addr_spec or "") for a in header.addresses]
        except Exception:  # noqa: BLE001 - an unreadable header names nobody
            return []
