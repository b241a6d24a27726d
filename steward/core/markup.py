"""Markdown for comments and articles, rendered and sanitised."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}


def render(text: str) -> str:
    """Markdown → HTML with only safe tags; links get ``rel=noopener noreferrer``."""
    # markdown is imported by the first write that renders (comments and articles are stored
    # rendered), not by every web worker that imports this module: reads never need it.
    import markdown as md

    html = md.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
