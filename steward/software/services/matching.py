"""Discovered names to products: simple word rules, no fuzzy guessing.

A rule is the words that must all appear in a discovered name, case and punctuation aside;
a word ending in ``*`` matches any word it starts ("office pro* 2021" matches "Microsoft
Office Professional Plus 2021" and "Office Pro 2021"). The rule with the most words wins,
so "visio pro* 2021" beats "visio" for "Microsoft Visio Professional 2021".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

WORD = re.compile(r"[a-z0-9][a-z0-9.+#]*")
MAX_RULES = 20
MAX_RULE_WORDS = 8


def words(text: str) -> list[str]:
    """The lower-case words of a name, punctuation dropped (``(R)``, commas, dashes)."""
    return WORD.findall(text.lower())


def clean_rules(raw: object) -> list[str]:
    """Rules as stored: normalised word strings; ``ValueError`` says what is wrong."""
    if not isinstance(raw, list | tuple) or len(raw) > MAX_RULES:
        raise ValueError(_("a list of at most %(max)s rules") % {"max": MAX_RULES})
    rules = []
    for i, rule in enumerate(raw):
        if not isinstance(rule, str):
            raise ValueError(_("rule %(n)s: text such as 'office pro* 2021'") % {"n": i + 1})
        parts = [w.rstrip("*") + ("*" if w.endswith("*") else "") for w in rule.lower().split()]
        parts = [p for p in parts if p.strip("*")]
        if not parts or len(parts) > MAX_RULE_WORDS:
            raise ValueError(
                _("rule %(n)s: between 1 and %(max)s words") % {"n": i + 1, "max": MAX_RULE_WORDS}
            )
        if any(not WORD.fullmatch(p.rstrip("*")) for p in parts):
            raise ValueError(
                _("rule %(n)s: letters, digits and . + # only, * at a word's end") % {"n": i + 1}
            )
        rules.append(" ".join(parts))
    return rules


def _matches(rule: list[str], name_words: list[str]) -> bool:
    for part in rule:
        if part.endswith("*"):
            stem = part[:-1]
            if not any(w.startswith(stem) for w in name_words):
                return False
        elif part not in name_words:
            return False
    return True


def match(names: Iterable[str], products: Iterable[tuple[int, list[str]]]) -> dict[str, int]:
    """Each name a rule recognises → its product's id (names nobody recognises are left
    out). ``products`` are (id, rules) pairs; the most specific rule wins, then the lower id."""
    ranked = sorted(
        ((len(rule.split()), pid, rule.split()) for pid, rules in products for rule in rules),
        key=lambda r: (-r[0], r[1]),
    )
    found: dict[str, int] = {}
    for name in set(names):
        name_words = words(name)
        for _rank, pid, rule in ranked:
            if _matches(rule, name_words):
                found[name] = pid
                break
    return found
