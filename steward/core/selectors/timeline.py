"""The record timeline: comments and audit history merged, as a person reads them.

An app's detail page calls ``record_timeline(actor, record, comments=...)`` with the comments
its own selector lets the actor see; history is shown to agents. Each audit value is shown
the way the record's form shows it: a user, team or other referenced row by its name, a
choice by its label, a date-time in the reader's zone in one format, a field by its verbose
name ("Assignee", never ``assignee``). The queries are fixed: comments, history, and one
per referenced table, however many entries there are.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.utils import translation
from django.utils.dates import MONTHS_3, MONTHS_AP

from steward.core import labels
from steward.core.actor import Actor
from steward.core.audit import REDACTED
from steward.core.choices import AuditAction, Channel
from steward.core.models import AuditEntry, Comment
from steward.core.selectors import compiled, shells
from steward.core.selectors import names as kept_names

EMPTY = "—"
# the audit actions as the timeline words them (``AuditAction``'s labels, which its choices
# keep untranslated: a translated label would be a migration); ``action_text`` translates
AUDIT_ACTIONS = (
    translation.gettext_noop("Created"),
    translation.gettext_noop("Updated"),
    translation.gettext_noop("Deleted"),
)
HISTORY_LIMIT = 200
# what an app may pass as ``values``: given the audit rows about to be shown, a function of
# (field name, one stored value) giving the value to show instead (a reference the reader
# may not see, replaced by words that name nothing)
Values = Callable[[list[AuditEntry]], Callable[[str, Any], Any]]


@dataclass(frozen=True)
class FieldChange:
    """One field's move, both values as text."""

    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    """A comment or an audit entry, with its time and author ready to show."""

    kind: str  # "comment" or "audit"
    at: dt.datetime  # in the reader's zone
    when: str
    who: str
    comment: Comment | None = None
    action: str = ""
    channel: str = ""
    changes: tuple[FieldChange, ...] = ()

    @property
    def channel_label(self) -> str:
        """The channel in the reader's words ("Web", German "E-Mail"), not its stored code."""
        return str(Channel(self.channel).label) if self.channel in Channel.values else self.channel

    @property
    def action_text(self) -> str:
        """The action as the reader says it, lower case ("updated", German "aktualisiert");
        ``action`` stays the English label the pages compare with "Created"."""
        return translation.gettext(self.action).lower() if self.action else ""


def reader_zone(actor: Actor) -> dt.tzinfo:
    """The reader's time zone: their own, else the site's."""
    name = (actor.user.time_zone if actor.user is not None else "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def format_datetime(value: dt.datetime, zone: dt.tzinfo, language: str | None = None) -> str:
    """``2 Dec 2026 17:42`` in ``zone`` (German: ``2. Dez. 2026 17:42``): the one format
    every page uses. ``language``: the active one, when the caller has it already."""
    local = value.astimezone(zone)
    return f"{format_date(local, language)} {local:%H:%M}"


def format_date(value: dt.date, language: str | None = None) -> str:
    """``2 Dec 2026``, in the active language (or ``language``, which a list looks up once
    for all its rows): month names from Django's catalogues, the day's punctuation from
    ``DATE_STYLES`` (German writes ``2. Dez. 2026``)."""
    style = DATE_STYLES.get(language or translation.get_language() or "", DATE_STYLES["en"])
    return style(value)


# The house style per shipped language (settings.LANGUAGES). English keeps its short month
# without a dot ("Dec"); German uses the abbreviations of Duden's style, which Django's de
# catalogue gives as the "abbrev. month" names ("Dez.", "März", "Mai").
DATE_STYLES: dict[str, Callable[[dt.date], str]] = {
    "en": lambda d: f"{d.day} {str(MONTHS_3[d.month]).title()} {d.year}",
    "de": lambda d: f"{d.day}. {MONTHS_AP[d.month]} {d.year}",
}


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(model: type[models.Model], name: str) -> str:
    """The field's verbose name with a capital, or the name made readable, in the reader's
    language: the models' verbose names are the field names (a translated one would be a
    migration per app), and the forms' labels ("Planned start", "Root cause") are the same
    words, already in the catalogue; a field no form names reads as it is."""
    return labels.word(("field", model, name), lambda: _label(model, name))


def _label(model: type[models.Model], name: str) -> str:
    field = _field(model, name)
    text = str(field.verbose_name) if field is not None else name.replace("_", " ")
    return translation.gettext(text[:1].upper() + text[1:])


def _is_reference(field: models.Field | None) -> bool:
    return field is not None and (field.many_to_one or field.many_to_many or field.one_to_one)


def _reference_names(
    model: type[models.Model], entries: list[AuditEntry]
) -> dict[type[models.Model], dict[Any, str]]:
    """Names of every row the entries refer to by id: one query per referenced table."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in entries:
        for name, pair in entry.changes.items():
            field = _field(model, name)
            if not _is_reference(field) or not isinstance(pair, list):
                continue
            for value in pair:
                values = value if isinstance(value, list) else [value]
                wanted[field.related_model].update(
                    v for v in values if isinstance(v, int) and not isinstance(v, bool)
                )
    return {related: _names(related, sorted(ids)) for related, ids in wanted.items() if ids}


def _names(model: type[models.Model], ids: list) -> dict[Any, str]:
    """``str`` of the rows of ``model`` with these keys, built whole (``__str__`` may read any
    field) from SQL compiled once per process and count of keys (padded to a power of two,
    so a process keeps a few shapes, not one per count)."""
    if not shells.BUILT:  # the model path
        return {row.pk: str(row) for row in model._default_manager.filter(pk__in=ids)}
    # users, teams, organisations and categories kept per process under their stamps
    return kept_names.names(model, ids, lambda wanted: _read_names(model, wanted))


def _read_names(model: type[models.Model], ids: list) -> dict[Any, str]:
    size = 1
    while size < len(ids):
        size *= 2
    fields = [f.attname for f in model._meta.concrete_fields]

    def build(ids: list) -> models.QuerySet:
        return model._default_manager.filter(pk__in=ids).values(*fields)

    padded = ids + ids[-1:] * (size - len(ids))
    rows = compiled.rows(("core.names", model._meta.label), build, ids=padded)
    db, key = router.db_for_read(model), model._meta.pk.attname
    return {row[key]: str(model.from_db(db, fields, [row[f] for f in fields])) for row in rows}


def _show(field: models.Field | None, value: Any, names: dict, zone: dt.tzinfo) -> str:
    """One stored audit value as text."""
    if value is None or value == "" or value == []:
        return EMPTY
    if value == REDACTED:
        return REDACTED
    if isinstance(value, list):
        return ", ".join(_show(field, v, names, zone) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if _is_reference(field):
        known = names.get(field.related_model, {})
        return known.get(value, str(value) if isinstance(value, str) else f"#{value}")
    if field is not None and field.choices:
        return str(labels.choices(field).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return format_datetime(dt.datetime.fromisoformat(value), zone)
    if isinstance(field, models.DateField) and isinstance(value, str):
        return format_date(dt.date.fromisoformat(value))
    if isinstance(value, bool):  # in the reader's language (a German history read "No → Yes")
        return translation.gettext("Yes") if value else translation.gettext("No")
    return str(value)


def _audit_entry(
    model: type[models.Model], entry: AuditEntry, names: dict, zone: dt.tzinfo
) -> TimelineEntry:
    changes = []
    for name, pair in sorted(entry.changes.items()):
        field = _field(model, name)
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        changes.append(
            FieldChange(
                name=name,
                label=field_label(model, name),
                old=_show(field, old, names, zone),
                new=_show(field, new, names, zone),
            )
        )
    return TimelineEntry(
        kind="audit",
        at=entry.at.astimezone(zone),
        when=format_datetime(entry.at, zone),
        who=str(entry.actor) if entry.actor is not None else entry.actor_label,
        action=str(AuditAction(entry.action).label) if entry.action else "",
        channel=entry.channel,
        changes=tuple(changes),
    )


# the history with what the timeline reads of its actors (``User.__str__``)
_ENTRY = shells.Shape(AuditEntry, {"actor": ("username", "first_name", "last_name")})


def _history_rows(ct: int, object_id: str) -> models.QuerySet:
    qs = AuditEntry.objects.filter(content_type_id=ct, object_id=object_id).order_by("-id")
    return _ENTRY.values(qs)[:HISTORY_LIMIT]


def _history(obj: models.Model) -> list[AuditEntry]:
    """The record's latest audit entries with their actors, newest first: SQL compiled
    once per process (compiling the queryset cost more than running it, decision 0063)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    if not shells.BUILT:  # the model path
        qs = AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))
        return list(qs.select_related("actor").order_by("-id")[:HISTORY_LIMIT])
    rows = compiled.rows("core.history", _history_rows, ct=ct.pk, object_id=str(obj.pk))
    return _ENTRY.built(rows)


def _rewritten(rows: list[AuditEntry], shown: Callable[[str, Any], Any]) -> None:
    """Each row's stored values passed through ``shown`` (in memory: nothing is saved)."""
    for row in rows:
        row.changes = {
            name: [shown(name, v) for v in pair]
            if isinstance(pair, list) and len(pair) == 2
            else shown(name, pair)
            for name, pair in row.changes.items()
        }


def record_timeline(
    actor: Actor,
    obj: models.Model,
    *,
    comments: Iterable[Comment],
    history: bool | None = None,
    values: Values | None = None,
) -> list[TimelineEntry]:
    """Comments (already filtered for the actor) and, for agents, history; newest first.

    ``values`` lets the app rewrite stored values for this reader before they are shown
    (it sees every row first, so it can look up what the reader may see in one query)."""
    zone = reader_zone(actor)
    if isinstance(comments, models.QuerySet):
        comments = comments.select_related("author")
    entries = [
        TimelineEntry(
            kind="comment",
            at=c.created_at.astimezone(zone),
            when=format_datetime(c.created_at, zone),
            who=str(c.author) if c.author is not None else "system",
            comment=c,
            channel=c.channel,
        )
        for c in comments
    ]
    show_history = actor.is_agent if history is None else history
    audit_rows = _history(obj) if show_history else []
    if values is not None and audit_rows:
        _rewritten(audit_rows, values(audit_rows))
    names = _reference_names(type(obj), audit_rows)
    entries += [_audit_entry(type(obj), row, names, zone) for row in audit_rows]
    return sorted(entries, key=lambda e: e.at, reverse=True)


def team_history(actor: Actor, team: models.Model) -> list[TimelineEntry]:
    """A team's history for administrators, read as a person reads it: members (stored as
    usernames) by their names, one date style, fields by their labels. One query for the
    history, one for the names, one per other referenced table."""
    from steward.core.models import User

    def members_by_name(rows: list[AuditEntry]) -> Callable[[str, Any], Any]:
        usernames = {
            username
            for row in rows
            for pair in ([row.changes.get("members")] if "members" in row.changes else [])
            for side in (pair if isinstance(pair, list) else [])
            for username in (side if isinstance(side, list) else [side])
            if isinstance(username, str)
        }
        names = {u.username: str(u) for u in User.objects.filter(username__in=usernames)}

        def shown(name: str, value: Any) -> Any:
            if name != "members" or not isinstance(value, list):
                return value
            return [names.get(v, v) if isinstance(v, str) else v for v in value]

        return shown

    return record_timeline(actor, team, comments=[], history=True, values=members_by_name)
