"""A small HTML reader for web tests: elements with their attributes and text, no dependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: list[Element] = field(default_factory=list, repr=False)
    text: str = ""

    def inside(self, tag: str, **attrs: str) -> bool:
        return any(
            a.tag == tag and all(a.attrs.get(k) == v for k, v in attrs.items())
            for a in self.ancestors
        )


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, ancestors=list(self.open))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def elements(html: str | bytes, tag: str | None = None, **attrs: str) -> list[Element]:
    """Every element (of ``tag``, with these exact attribute values) in document order."""
    reader = _Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    found = reader.elements if tag is None else [e for e in reader.elements if e.tag == tag]
    return [e for e in found if all(e.attrs.get(k) == v for k, v in attrs.items())]


def text_of(element: Element) -> str:
    return re.sub(r"\s+", " ", element.text).strip()


def navigation(html: str | bytes) -> dict[str, Element]:
    """The module navigation's entries by label."""
    items = [
        e
        for e in elements(html)
        if e.tag in {"a", "span"} and e.inside("nav", **{"aria-label": "Modules"})
    ]
    return {text_of(e): e for e in items}
