"""The English-word scan of the German-page tests (``test_language.py`` for the requester's
pages, ``test_language_agents.py`` for the agents'): a page's words as a reader meets them,
and those of them in an English vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Words of Steward's English chrome that German text never contains; any of them on a page
# read in German is a string left unmarked or untranslated. (Words German shares, such as
# "Status", "Team", "Problem", "Post", "was", "in", "an", are not listed.)
ENGLISH_WORDS = """the your you my and or of to for with is not yet nothing sign out save search
    report new
    open help centre profile incidents requests order catalogue page next first upload files
    reply attachments activity back all what happened category description title here skip
    content menu overview knowledge this helpful yes stuck ago opened caller channel
    business time approval ordered cancel resolved closed assigned it by email items
    something broken tell follow browse modules account language zone edit read write
    expires days never empty scopes comment note override reason"""
ENGLISH = frozenset(ENGLISH_WORDS.split())

# Selects whose options are the organisation's data (its categories, as an administrator
# named them) or names that are not words (time zones: "America/New_York").
DATA_SELECTS = {"category", "subcategory", "time_zone"}


class PageWords(HTMLParser):
    """A page's words as a reader meets them: text outside scripts, and the attributes read
    aloud or shown (labels, titles, placeholders, confirmations)."""

    SHOWN = {"aria-label", "title", "placeholder", "alt", "hx-confirm"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.skipping = 0
        self.select = ""

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.select = dict(attrs).get("name", "")
        if tag in ("script", "style") or (tag == "option" and self.select in DATA_SELECTS):
            self.skipping += 1
        self.words += [w for k, v in attrs if k in self.SHOWN and v for w in split_words(v)]

    def handle_endtag(self, tag):
        if tag in ("script", "style") or (tag == "option" and self.select in DATA_SELECTS):
            self.skipping -= 1
        if tag == "select":
            self.select = ""

    def handle_data(self, data):
        if not self.skipping:
            self.words += split_words(data)


class ProseWords(PageWords):
    """The page's words less the literal names in ``<code>`` (``ci_class``, ``serial_number``:
    the columns an import file must have, a command, a file's path: the same in every language)."""

    def handle_starttag(self, tag, attrs):
        self.skipping += tag == "code"
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.skipping -= tag == "code"
        super().handle_endtag(tag)


def split_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÄÖÜäöüß]+", text)


def english_words(html: bytes, vocabulary: Iterable[str] = ENGLISH) -> list[str]:
    """The page's words (each once, sorted) that are in ``vocabulary``, any case."""
    vocabulary = frozenset(vocabulary)
    reader = PageWords()
    reader.feed(html.decode())
    return sorted({w for w in reader.words if w.lower() in vocabulary})
