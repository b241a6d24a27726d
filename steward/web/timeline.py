"""A record's timeline written in Python (decision 0098), character for character as
``components/timeline.html`` writes it.

The template's loop spent, per entry, a dozen variable look-ups through the engine, a
``{% translate %}`` or two, ``|date:'c'`` and the engine's escaping of each value: the
largest part of the incident page's template after its facts. Here each value is escaped
once (``conditional_escape``, what the template's autoescaping calls), the words are looked
up once per page, and each entry is one f-string. ``WRITTEN = False`` puts the template's
loop back: the tests render both and compare the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from steward.core import labels

# False: the page includes ``components/timeline.html`` as before decision 0098
WRITTEN = True

HEAD = '\n\n\n\n\n<ol class="timeline">\n'


def translated(text: str) -> str:
    """As ``{% translate "…" %}`` writes a word: translated, "%%" as "%", escaped."""
    return labels.word(("translated", text), lambda: _translated(text))


def _translated(text: str) -> str:
    return conditional_escape(gettext(text).replace("%%", "%"))


def iso(value: Any) -> str:
    """``{{ value|date:'c' }}``: in the current zone (the template's localtime), ISO form;
    "" for none."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat()


def timeline_html(entries: Iterable[Any], *, created_text: str, is_agent: bool) -> SafeString:
    """``components/timeline.html`` with ``timeline=entries`` and ``created_text`` (plain
    text, as ``{% translate … as created_text %}`` gives it); ``is_agent``: the template's
    ``user.is_agent`` (a reply by mail links its message)."""
    esc = conditional_escape
    out = [HEAD]
    words: dict[str, str] = {}
    for entry in entries:
        if not words:
            words = {
                "note": translated("work note"),
                "reply": translated("reply"),
                "email": translated("by email"),
                "message": translated("the message"),
                "created": esc(created_text) if created_text else translated("created the record"),
            }
        time = f'<time datetime="{esc(iso(entry.at))}">{esc(entry.when)}</time></div>'
        if entry.kind == "comment":
            comment = entry.comment
            internal = comment.internal
            mail = ""
            if comment.channel == "email":
                mail = f" {words['email']}"
                if is_agent:
                    url = esc(reverse("mailboxes:comment_mail", args=[comment.pk]))
                    mail += f' (<a href="{url}">{words["message"]}</a>)'
            out.append(
                f'\n  \n  <li class="{"note" if internal else "reply"}"><div class="meta">'
                f"{esc(entry.who)} · {words['note'] if internal else words['reply']}{mail} · "
                f"{time}{comment.body_html}</li>\n  \n"
            )
        else:
            channel = f" ({esc(entry.channel_label)})" if entry.channel else ""
            created = entry.action == "Created"
            action = words["created"] if created else esc(entry.action_text)
            changes = (
                ""
                if created
                else "".join(
                    f'<span class="change">{esc(c.label)}: {esc(c.old)} → {esc(c.new)}</span><br>'
                    for c in entry.changes
                )
            )
            out.append(
                f'\n  \n  <li class="audit"><div class="meta">{esc(entry.who)}{channel} · '
                f"{action} · {time}\n    {changes}</li>\n  \n"
            )
    if not words:
        out.append(f'<li class="muted">{translated("No activity yet.")}</li>\n')
    out.append("\n</ol>\n")
    return SafeString("".join(out))
