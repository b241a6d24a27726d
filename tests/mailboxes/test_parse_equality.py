"""The quick parse (decision 0025: ``policy.compat32`` for plain structure, headers read once,
plain values by a small grammar) gives what the standard parse gave (``standard_parse``: the
code before it, ``policy.default`` throughout): the same Message-ID, sender and name,
subject, threads, Cc, automatic reason, text, reply, sanitised HTML and attachments, or the
same error, over the corpus, the hostile shapes and a grid of header and MIME variants."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from steward.mailboxes.services import mime, parsing
from tests.mailboxes import standard_parse
from tests.mailboxes.test_safety import _deep

CORPUS = Path(__file__).parent / "corpus"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8


def quick(raw: bytes) -> dict:
    head = parsing.parse_head(raw)
    out = {"head": standard_parse.fields(head)}
    if head.message is None:
        return out
    try:
        parsing.parse_body(head)
    except Exception as exc:  # noqa: BLE001 - the error is part of the result compared
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    out["body"] = standard_parse.fields(head)
    out["reply"] = head.reply
    return out


def build(headers: list[tuple[str, str]], body: str = "", *, nl: str = "\r\n") -> bytes:
    """A message from raw header lines (no normalising), 8-bit kept as UTF-8 bytes unless
    a value is already bytes-like latin-1 text marked with a leading \x00."""
    lines = []
    for name, value in headers:
        if value.startswith("\x00"):  # raw Windows-1252 bytes
            lines.append(f"{name}: ".encode() + value[1:].encode("cp1252"))
        else:
            lines.append(f"{name}: {value}".encode())
    return nl.encode().join(lines) + (nl + nl).encode() + body.replace("\n", nl).encode()


BASE = [
    ("From", "Alice Example <alice@example.com>"),
    ("To", "desk@example.com"),
    ("Subject", "Printer on floor 3"),
    ("Message-ID", "<base.1@mail.example.com>"),
    ("MIME-Version", "1.0"),
]


def with_header(name: str, value: str | None) -> list[tuple[str, str]]:
    kept = [(n, v) for n, v in BASE if n != name]
    return kept + ([(name, value)] if value is not None else [])


FROMS = [
    "Alice <alice@example.com>", "alice@example.com", "<alice@example.com>",
    '"Smith, John" <j@example.com>', "Smith, John <j@example.com>",
    "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j@example.com>", "J. Smith <j@example.com>",
    "O'Brien <o@example.com>", "alice@example.com (Alice)", "Alice  Two   Spaces <a@example.com>",
    "Bad <not an address>", "", "undisclosed-recipients:;", "Group: a@example.com, b@x.com;",
    "A <a@example.com>, B <b@example.com>", "Alice <ALICE@Example.COM>", "a..b@example.com",
    "<a@[127.0.0.1]>", "José <jose@example.com>", "\x00Zoë <zoe@example.com>",
    "Tab\tName <t@example.com>", "alice@localhost", "Name <a@b.c>\r\n (folded comment)",
    "Alice\r\n <alice@example.com>", "A_b-c <a@example.com>", "'quote' <q@example.com>",
    "<a@example.com> trailing", "alice @ example.com", "<>", "x" * 300 + " <long@example.com>",
]  # fmt: skip
SUBJECTS = [
    "Plain subject", "=?utf-8?b?Q2Fmw6kgd2lmaQ==?=", "Re: [INC0001234] the printer",
    "A long subject\r\n folded onto a second line", "Tabs\tinside", "", "ctrl \x01 char",
    "Müller raw utf-8", "\x00Café – raw cp1252", "a =? b ?= c", "y" * 300,
    "=?iso-8859-1?q?caf=E9?= and =?utf-8?q?more?=", "  leading and trailing  ",
    "Hello\r\n\tBcc: victim@example.com", "[req0000042] lower case number", "=?bogus?q?x?=",
]  # fmt: skip
IDS = [
    "<a@b>", "a@b", "<a@b> (comment)", "", "<a..b@c>", "<a b@c>", '<we"ird@x>',
    "<a@b> <c@d>", "<[x]@y>", "<" + "z" * 300 + "@x>", "  <spaced@example.com>  ",
    "<abc.def@[127.0.0.1]>", "<no-at-sign>", "<a@b>\r\n <c@d>",
]  # fmt: skip
THREADS = [
    ("In-Reply-To", "<one@x.com>"), ("In-Reply-To", "<one@x.com> <two@y.com>"),
    ("References", "<r1@x.com> <r2@x.com>\r\n <r3@x.com>"), ("In-Reply-To", "garbage"),
    ("References", " ".join(f"<r{n}@x.com>" for n in range(70))), ("In-Reply-To", "=?utf-8?q?x?="),
]  # fmt: skip
CCS = [
    "a@example.com, b@example.com", '"X, Y" <x@example.com>, z@example.com',
    "Team: a@example.com, b@example.com;", "=?utf-8?q?B=C3=B6b?= <bob@example.com>",
    ", ".join(f"p{n}@example.com" for n in range(60)), "a@example.com, A@EXAMPLE.com",
    "not valid, c@example.com", "", "Bob <bob@example.com>,\r\n Carl <carl@example.com>",
]  # fmt: skip
AUTOMATIC = [
    ("Auto-Submitted", "auto-replied"), ("Auto-Submitted", "no"),
    ("Auto-Submitted", "Auto-Replied (vacation)"), ("Auto-Submitted", "no; x=y"),
    ("Precedence", "Bulk"), ("Precedence", "first-class"), ("X-Autoreply", "yes"),
    ("X-Auto-Response-Suppress", "All"), ("Return-Path", "<>"), ("Return-Path", "<a@b.com>"),
    ("Return-Path", ""), ("Return-Path", " < > "),
]  # fmt: skip


def _single(content_type: str, body: str, extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    return build([*BASE, ("Content-Type", content_type), *extra], body)


def _attached(disposition: str, content_type: str, cte: str = "base64") -> bytes:
    data = {"base64": "JVBERi0xLjQKAAEC\n", "quoted-printable": "caf=E9\n"}.get(cte, "raw\n")
    return build(
        [*BASE, ("Content-Type", 'multipart/mixed; boundary="XX"')],
        "--XX\nContent-Type: text/plain; charset=utf-8\n\nSee attached.\n"
        f"--XX\nContent-Type: {content_type}\nContent-Disposition: {disposition}\n"
        f"Content-Transfer-Encoding: {cte}\n\n{data}--XX--\n",
    )


STRUCTURES = {
    "charset bare": _single("text/plain; charset=UTF-8", "hi"),
    "upper type": _single('TEXT/PLAIN; charset="iso-8859-1"', "caf\u00e9"),
    "charset 2231": _single("text/plain; charset*=utf-8''utf-8", "hi"),
    "charset comment": _single('text/plain; charset="utf-8" (comment)', "hi"),
    "flowed": _single("text/plain; format=flowed; delsp=yes", "hi \nthere"),
    "unknown charset": _single("text/plain; charset=x-unknown", "hi"),
    "no charset": _single("text/plain", "hi"),
    "no space": _single("text/plain;charset=utf-8", "hi"),
    "html only": _single("text/html; charset=utf-8", "<p>Hi<script>x()</script></p>"),
    "type without subtype": _single("text", "hi"),
    "empty type": _single("", "hi"),
    "trailing semicolon": _single('text/plain; charset="utf-8";', "hi"),
    "image body": _single("image/png", "PNGDATA"),
    "qp body": _single(
        "text/plain; charset=iso-8859-1",
        "caf=E9",
        (("Content-Transfer-Encoding", "Quoted-Printable"),),
    ),
    "bogus cte": _single("text/plain", "hi", (("Content-Transfer-Encoding", "x-bogus"),)),
    "cte comment": _single("text/plain", "aGk=", (("Content-Transfer-Encoding", "base64 (x)"),)),
    "two content types": _single("text/html", "<b>x</b>", (("Content-Type", "text/plain"),)),
    "attachment": _attached('attachment; filename="report 1.pdf"', "application/pdf"),
    "attachment token name": _attached("attachment; filename=report.pdf", "application/pdf"),
    "name on type": _attached("attachment", 'application/pdf; name="typed.pdf"'),
    "no name": _attached("attachment", "application/octet-stream"),
    "rfc 2231 name": _attached("attachment; filename*=UTF-8''%C3%A9t%C3%A9.pdf", "application/pdf"),
    "rfc 2047 name": _attached(
        'attachment; filename="=?UTF-8?B?w6l0w6kucGRm?="', "application/pdf"
    ),
    "continued name": _attached(
        'attachment; filename*0="long"; filename*1="-name.pdf"', "application/pdf"
    ),
    "inline image": _attached('inline; filename="pic.png"', "image/png"),
    "upper disposition": _attached("ATTACHMENT", "text/plain"),
    "qp attachment": _attached("attachment; filename=a.txt", "text/plain", "quoted-printable"),
    "7bit attachment": _attached('attachment; filename="a.csv"', "text/csv", "7bit"),
    "folded disposition": _attached('attachment;\n\tfilename="folded.pdf"', "application/pdf"),
    "quoted semicolon": _attached('attachment; filename="a;b.pdf"', "application/pdf"),
    "weird token": _attached("attachment; filename=a/b.pdf", "application/pdf"),
    "report": build(
        [*BASE, ("Content-Type", 'multipart/report; report-type=delivery-status; boundary="R"')],
        "--R\nContent-Type: text/plain\n\nUndeliverable\n--R\n"
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        "Final-Recipient: rfc822; x@y\nAction: failed\n--R--\n",
    ),
    "forwarded": build(
        [*BASE, ("Content-Type", 'multipart/mixed; boundary="F"')],
        "--F\nContent-Type: text/plain\n\nForwarded below.\n--F\nContent-Type: message/rfc822\n\n"
        "From: x@y.com\nSubject: inner\nContent-Type: text/plain\n\ninner text\n--F--\n",
    ),
    "related": build(
        [*BASE, ("Content-Type", 'multipart/related; boundary="A"; type="multipart/alternative"')],
        '--A\nContent-Type: multipart/alternative; boundary="B"\n\n--B\n'
        "Content-Type: text/plain\n\nplain\n--B\nContent-Type: text/html\n\n<p>rich</p>\n--B--\n"
        "--A\nContent-Type: image/png\nContent-ID: <img1>\nContent-Transfer-Encoding: base64\n\n"
        "iVBORw0K\n--A--\n",
    ),
    "unterminated": build(
        [*BASE, ("Content-Type", 'multipart/mixed; boundary="U"')],
        "--U\nContent-Type: text/plain\n\nno end\n--U\nContent-Type: application/octet-stream\n"
        "Content-Transfer-Encoding: base64\n\n!!notbase64\n",
    ),
    "boundary unquoted": build(
        [*BASE, ("Content-Type", "multipart/alternative; boundary=simple")],
        "--simple\nContent-Type: text/plain\n\nA\n--simple--\n",
    ),
    "boundary with spaces": build(
        [*BASE, ("Content-Type", 'multipart/alternative; boundary="with spaces"')],
        "--with spaces\nContent-Type: text/plain\n\nA\n--with spaces--\n",
    ),
    "bare LF": build(BASE, "just text\nover lines", nl="\n"),
    "no body": build(BASE),
    "deep 25": _deep(25),
    "deep 1000": _deep(1000),
    "many parts": build(
        [*BASE, ("Content-Type", 'multipart/mixed; boundary="M"')],
        "".join(f"--M\nContent-Type: text/plain\n\npart {n}\n" for n in range(210)) + "--M--\n",
    ),
    "1 MB header": b"From: a@example.com\r\nX-Long: " + b"a" * (1 << 20) + b"\r\n\r\nhi\r\n",
    "not mail": b"\x00\x01\x02 binary junk \xff\xfe",
    "empty": b"",
}


def _grid() -> dict[str, bytes]:
    out = {f"from {n}": build(with_header("From", v), "hi") for n, v in enumerate(FROMS)}
    out |= {f"subject {n}": build(with_header("Subject", v), "hi") for n, v in enumerate(SUBJECTS)}
    out |= {f"id {n}": build(with_header("Message-ID", v), "hi") for n, v in enumerate(IDS)}
    out["no id"] = build(with_header("Message-ID", None), "hi")
    out["no from"] = build(with_header("From", None), "hi")
    out |= {f"thread {n}": build([*BASE, h], "hi") for n, h in enumerate(THREADS)}
    out |= {f"cc {n}": build([*BASE, ("Cc", v)], "hi") for n, v in enumerate(CCS)}
    out |= {f"auto {n}": build([*BASE, h], "hi") for n, h in enumerate(AUTOMATIC)}
    out |= STRUCTURES
    reply = "Still broken.\n\nOn Mon, 1 Dec 2026, Desk wrote:\n> The printer\n> is fixed"
    out["reply text"] = _single("text/plain; charset=utf-8", reply)
    rng = random.Random(25)
    prefix = build(BASE)[:-4]  # the base header lines, which the mixtures replace
    shapes = [raw[len(prefix) :] for raw in STRUCTURES.values() if raw.startswith(prefix)]
    for n in range(60):  # mixtures of the above
        headers = [
            ("From", rng.choice(FROMS)),
            ("Subject", rng.choice(SUBJECTS)),
            ("Message-ID", rng.choice(IDS)),
            rng.choice(THREADS),
            ("Cc", rng.choice(CCS)),
            rng.choice(AUTOMATIC),
        ]
        out[f"mixed {n}"] = build(headers)[:-4] + rng.choice(shapes)
    return out


def _corpus() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))}


CASES = _corpus() | _grid()


@pytest.mark.parametrize("name", list(CASES))
def test_the_quick_parse_equals_the_standard_parse(name):
    raw = CASES[name]
    assert quick(raw) == standard_parse.parse(raw)


def test_typical_mail_takes_the_quick_path_and_odd_mail_the_standard_one():
    """Not a tautology of the test above: the grid must exercise both paths, and the mail
    Steward mostly gets (the corpus's Outlook, Gmail, Apple Mail shapes) the quick one."""
    paths = {name: mime.read(CASES[name]).standard for name in STRUCTURES if name != "deep 1000"}
    paths |= {name: mime.read(raw).standard for name, raw in _corpus().items()}
    for quick_one in ("outlook.eml", "gmail-reply.eml", "apple-mail-inline-image.eml"):
        assert not paths[quick_one]
    for quick_one in ("attachment", "folded disposition", "related", "forwarded", "report"):
        assert not paths[quick_one]
    for standard_one in ("rfc 2231 name", "rfc 2047 name", "charset comment", "weird token"):
        assert paths[standard_one]
    assert paths["deep 25"]  # over the limit: walked again on the standard tree
