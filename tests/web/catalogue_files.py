"""The translation catalogues as the tests read them: the .po (parsed here, so CI needs no
gettext tools), the committed .mo (Python's own reader), and every string Steward marks for
translation (templates through Django's ``templatize``, the same step ``makemessages`` takes;
Python through its syntax tree)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation.template import templatize

import steward

PACKAGE = Path(steward.__file__).parent
LOCALE = PACKAGE / "locale"
GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


@dataclass(frozen=True)
class Message:
    """One catalogue entry's key: ``context`` and ``plural`` only where the string has them."""

    msgid: str
    context: str | None = None
    plural: str | None = None


def _unquote(parts: list[str]) -> str:
    return "".join(ast.literal_eval(part) for part in parts)


def read_po(path: Path) -> dict[Message, list[str]]:
    """Each entry of a .po file and its translation (one string, or one per plural form);
    fuzzy and obsolete entries are left out, as ``msgfmt`` leaves them out of the .mo."""
    entries: dict[Message, list[str]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        if any(line.startswith("#, ") and "fuzzy" in line for line in lines):
            continue
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (.*)$", line)
            if match:
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif current is not None:
                fields[current].append(line)
        if "msgid" not in fields:
            continue
        msgid = _unquote(fields["msgid"])
        if not msgid:  # the header
            continue
        key = Message(
            msgid,
            _unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
            _unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
        )
        forms = sorted(name for name in fields if name.startswith("msgstr"))
        entries[key] = [_unquote(fields[name]) for name in forms]
    return entries


def read_mo(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _call_args(node: ast.Call) -> Message | None:
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
    if name not in GETTEXT_CALLS:
        return None
    texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not texts:
        return None
    context = texts.pop(0) if name.startswith(("pgettext", "npgettext")) else None
    plural = texts[1] if name.startswith(("ngettext", "npgettext")) and len(texts) > 1 else None
    return Message(texts[0], context, plural)


def marked_in_python(path: Path) -> set[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {_call_args(node) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return found - {None}


def marked_in_template(path: Path) -> set[Message]:
    """The strings ``{% translate %}``/``{% blocktranslate %}`` mark, as ``makemessages``
    extracts them: ``templatize`` writes each as a gettext call into Python-like text."""
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found: set[Message] = set()
    for match in re.finditer(r" (n?p?gettext)\(", text):
        start = match.start() + 1
        end = text.find(")", start)
        while end != -1:
            try:
                call = ast.parse(text[start : end + 1], mode="eval").body
            except SyntaxError:
                end = text.find(")", end + 1)
                continue
            message = _call_args(call) if isinstance(call, ast.Call) else None
            if message is not None:
                found.add(message)
            break
    return found


def marked_strings() -> dict[Message, Path]:
    """Every string Steward marks, with one file that marks it."""
    found: dict[Message, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            found.update(dict.fromkeys(marked_in_python(path) - found.keys(), path))
    # pages (.html) and mails (.txt), the template extensions makemessages reads
    templates = [*PACKAGE.rglob("templates/**/*.html"), *PACKAGE.rglob("templates/**/*.txt")]
    for path in sorted(templates):
        found.update(dict.fromkeys(marked_in_template(path) - found.keys(), path))
    return found
