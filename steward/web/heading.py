"""A record page's heading written in Python (decision 0098), character for character as
``components/record_heading.html`` writes it: back to its list, number and title, the
priority and status badges and, for a major record, its badge. ``WRITTEN = False`` puts the
include back (the tests render both)."""

from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString

from steward.core.labels import display
from steward.web.templatetags.steward_ui import priority_badge, status_badge
from steward.web.timeline import translated

# False: the page includes ``components/record_heading.html`` as before decision 0098
WRITTEN = True


def heading_html(record: Any, *, list_url: str, list_label: str, major: bool) -> SafeString:
    """``{% include "components/record_heading.html" with record=… list_url=… list_label=…
    major=… %}``; ``list_label`` plain text (as ``{% translate … as list_label %}`` gives it)."""
    badge = f'<span class="badge major">{translated("MAJOR")}</span>' if major else ""
    return SafeString(
        f'\n\n\n<p><a href="{esc(list_url)}">← {esc(list_label)}</a></p>\n'
        f'<div class="toolbar">\n  <h1>{esc(record.number)} · {esc(record.title)}</h1>\n'
        f"  {priority_badge(record.priority)}\n"
        f"  {status_badge(record.status, display(record, 'status'))}\n"
        f"  {badge}\n</div>\n"
    )
