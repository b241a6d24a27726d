"""The SLA badge as main rendered it before decision 0043 (steward_ui ``sla_badge`` at
60815ac): every word, the zone and the language looked up per badge, ``duration`` through
``pgettext`` per call, the due time through ``|date:"c"`` and ``|when``. Kept as the golden
the page's rows are compared with (tests/incidents/test_page_rendering.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import dateformat, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from steward.web.templatetags.steward_ui import SLA_KINDS, when


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    sign, seconds = ("-" if seconds < 0 else ""), abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = pgettext("duration", "%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    elif hours:
        text = pgettext("duration", "%(hours)sh %(minutes)sm") % {
            "hours": hours,
            "minutes": minutes,
        }
    else:
        text = pgettext("duration", "%(minutes)sm") % {"minutes": minutes}
    return sign + text


def _sla_html(clock: object) -> SafeString:
    if not clock:
        return format_html('<span class="muted">{}</span>', "—")
    if clock.breached:
        css = "breached"
    elif clock.paused:
        css = "paused"
    elif clock.warned:
        css = "warning"
    else:
        css = "met" if clock.state == "stopped" else ""
    label = str(SLA_KINDS.get(clock.kind, clock.kind))
    title = escape(
        gettext(
            "%(kind)s target, policy %(policy)s; counted in business time on the policy's calendar"
        )
        % {"kind": label, "policy": clock.policy_name}
    )
    if clock.state == "stopped":
        text = escape(gettext("missed")) if clock.breached else escape(gettext("met"))
    elif clock.paused:
        text = escape(gettext("paused"))
    else:
        text = escape(
            gettext("%(left)s business time") % {"left": duration(clock.time_left_seconds)}
        )
        if clock.due_at:
            stamp = dateformat.format(timezone.template_localtime(clock.due_at), "c")
            shown = escape(when(clock.due_at))
            due = escape(pgettext("SLA", "due"))
            text = f'{text} · {due} <time datetime="{escape(stamp)}">{shown}</time>'
    return mark_safe(  # noqa: S308 - every part above is escaped
        f'<span class="sla {css}" title="{title}">{text} <small>{escape(label)}</small></span>'
    )


def sla_badge(clocks: Iterable) -> SafeString:
    clocks = list(clocks)
    live = [c for c in clocks if c.state != "stopped"] or clocks
    if not live:
        return _sla_html(None)
    return _sla_html(min(live, key=lambda c: c.time_left_seconds))
