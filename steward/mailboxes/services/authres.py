"""Whether a message's From is vouched for by the receiving mail server (decision 0093).

The mail server that received the message records its checks in ``Authentication-Results``
headers (RFC 8601), each opened by its *authserv-id*. Only headers whose authserv-id is one of
``STEWARD_MAIL_TRUSTED_AUTHSERV_ID`` are read: anyone can write such a header into the
message they send, under any name. The From is authenticated when

- the trusted results hold a ``dmarc`` result: every one of them is ``pass`` (and names the
  From's domain, when it names one); or, when they hold none,
- every trusted ``dkim`` result is ``pass`` and one signed for the From's domain (or a
  domain it is under), or every trusted ``spf`` result is ``pass`` and one checked an
  envelope sender of that domain.

A trusted header that cannot be read, or trusted results that disagree, authenticate
nothing. Pure functions on strings: they run in the LMTP listener's parse process too.
"""

from __future__ import annotations

import re

from django.conf import settings

HEADER = "authentication-results"
MAX_HEADERS = 50  # more authenticate nothing; a real message carries a handful
MAX_LENGTH = 8192  # characters of one header; longer is unreadable
_TOKEN = re.compile(r'[ \t\r\n]*(?:(;)|(=)|"((?:[^"\\]|\\.)*)"|([^ \t\r\n;="\\()]+))')
_KEYWORD = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_ESCAPE = re.compile(r"\\(.)")
# the authserv-id, read first and alone (after simple comments), so that a header whose rest
# cannot be read is still known as the trusted server's (and then authenticates nothing)
_START = re.compile(r'(?:[ \t\r\n]|\([^()\\]*\))*(?:"((?:[^"\\]|\\.)*)"|([^ \t\r\n;="\\()]+))')


class _Unreadable(Exception):
    pass


Result = tuple[str, str, dict[str, str]]  # method, result, properties (lower case keys)


def _uncomment(value: str) -> str:
    """The value with its comments (nested, with escapes) as spaces; quoted strings kept."""
    out: list[str] = []
    depth, quoted, i = 0, False, 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            if depth == 0:
                out.append(value[i : i + 2])
            i += 2
            continue
        if quoted:
            quoted = ch != '"'
            out.append(ch)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                raise _Unreadable
            depth -= 1
            if depth == 0:
                out.append(" ")
        elif depth == 0:
            quoted = ch == '"'
            out.append(ch)
        i += 1
    if depth or quoted:
        raise _Unreadable
    return "".join(out)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text): ``;``, ``=``, or a word (an atom or a quoted string's content)."""
    found: list[tuple[str, str]] = []
    text = text.rstrip(" \t\r\n")
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _Unreadable
        semi, equals, quoted, atom = match.groups()
        if semi or equals:
            found.append((semi or equals, ""))
        else:
            found.append(("w", _ESCAPE.sub(r"\1", quoted) if quoted is not None else atom))
        pos = match.end()
    return found


def parse(value: str) -> tuple[str, list[Result] | None]:
    """(authserv-id in lower case, results) of one header's value: ``("", None)`` when even
    the authserv-id cannot be read, results ``None`` when the rest does not follow the
    grammar (RFC 8601 section 2.2), ``[]`` for ``; none``."""
    start = _START.match(value)
    if start is None:
        return "", None
    authserv = _ESCAPE.sub(r"\1", start[1] if start[1] is not None else start[2]).lower()
    try:
        if len(value) > MAX_LENGTH:
            raise _Unreadable
        return authserv, _results(_tokens(_uncomment(value[start.end() :])))
    except _Unreadable:
        return authserv, None


def _results(rest: list[tuple[str, str]]) -> list[Result]:
    if rest and rest[0][0] == "w":  # the version, 1 today
        if not rest[0][1].isdigit():
            raise _Unreadable
        rest = rest[1:]
    if rest[:1] != [(";", "")]:
        raise _Unreadable
    groups: list[list[tuple[str, str]]] = [[]]
    for token in rest[1:]:
        if token[0] == ";":
            groups.append([])
        else:
            groups[-1].append(token)
    if len(groups) == 1 and len(groups[0]) == 1 and groups[0][0][1].lower() == "none":
        return []  # "; none": no checks were made
    return [_resinfo(group) for group in groups if group]  # a stray ";" adds nothing


def _resinfo(tokens: list[tuple[str, str]]) -> Result:
    """``method=result`` then ``reason=value`` and ``ptype.property=value`` pairs."""
    if len(tokens) < 3 or len(tokens) % 3:
        raise _Unreadable
    pairs: list[tuple[str, str]] = []
    for i in range(0, len(tokens), 3):
        key, equals, value = tokens[i : i + 3]
        if key[0] != "w" or equals[0] != "=" or value[0] != "w":
            raise _Unreadable
        pairs.append((key[1].lower(), value[1]))
    method = pairs[0][0].split("/")[0].strip()
    result = pairs[0][1].lower()
    if not _KEYWORD.fullmatch(method) or not _KEYWORD.fullmatch(result):
        raise _Unreadable
    return method, result, dict(pairs[1:])


def _domain(value: str) -> str:
    return value.rpartition("@")[2].strip().rstrip(".").lower()


def _aligned(domain: str, checked: str) -> bool:
    """The From's domain is the checked one or under it (relaxed alignment toward a parent,
    whose owner also controls the From's domain)."""
    return bool(checked) and (domain == checked or domain.endswith("." + checked))


def unproven(values: list[str], sender: str, trusted: list[str]) -> str:
    """Why the trusted results do not authenticate ``sender``; '' when they do."""
    trusted_ids = {t.lower() for t in trusted}
    named = ", ".join(trusted)
    results: list[Result] = []
    seen = False
    if len(values) > MAX_HEADERS:
        return f"more than {MAX_HEADERS} Authentication-Results headers"
    for value in values:
        authserv, found = parse(value)
        if authserv not in trusted_ids:
            continue  # another server's, or anybody's
        if found is None:
            return f"an unreadable Authentication-Results header from {authserv[:100]}"
        seen = True
        results.extend(found)
    if not seen:
        return f"no Authentication-Results header from {named}"
    domain = _domain(sender)
    dmarc = [r for r in results if r[0] == "dmarc"]
    if dmarc:
        for _, result, props in dmarc:
            checked = _domain(props.get("header.from", domain))
            if result != "pass" or checked != domain:
                return f"dmarc={result[:20]} for {checked[:100]}"
        return ""
    for method, key in (("dkim", "header.d"), ("spf", "smtp.mailfrom")):
        mine = [r for r in results if r[0] == method]
        if not mine or any(r[1] != "pass" for r in mine):
            continue
        for _, _, props in mine:
            checked = props.get(key) or (props.get("header.i", "") if method == "dkim" else "")
            if _aligned(domain, _domain(checked)):
                return ""
    shown = " ".join(f"{m[:20]}={r[:20]}" for m, r, _ in results[:5]) or "no results"
    return f"no dmarc=pass, nor a dkim or spf pass for {domain[:100]} ({shown})"


def check(values: list[str], sender: str) -> str:
    """Why the configured trusted server does not authenticate ``sender``; '' when it does,
    or when no server is trusted (``STEWARD_MAIL_TRUSTED_AUTHSERV_ID`` empty: no check)."""
    trusted = settings.MAIL_TRUSTED_AUTHSERV_ID
    return unproven(values, sender, trusted) if trusted else ""
