"""A request's answers as its pages show them: labelled as the form asked them, the files
of attachment questions as links (downloads are checked against the request again), the
answers to date questions as dates (the page shows them in the house style, not as stored)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from steward.catalog.choices import FieldType
from steward.catalog.models import Request
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.models import User


@dataclass(frozen=True)
class Answer:
    label: str
    value: Any
    files: list[dict] = field(default_factory=list)  # {id, filename, size}
    day: dt.date | None = None  # a date question's answer, stored as "2027-03-01"


def request_answers(req: Request) -> list[Answer]:
    """The answers of a request the actor may see, in the order they were given."""
    fields = {f["key"]: f for f in req.item.form}
    rows = []
    for key, value in req.answers.items():
        asked = fields.get(key, {})
        if asked.get("type") == FieldType.ATTACHMENT and isinstance(value, list):
            files = [f for f in value if isinstance(f, dict) and "id" in f]
            rows.append(Answer(asked.get("label", key), "", files))
        elif asked.get("type") == FieldType.DATE and isinstance(value, str):
            rows.append(Answer(asked.get("label", key), value, day=_day(value)))
        else:
            rows.append(Answer(asked.get("label", key), value))
    return rows


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None  # shown as stored


def person_answerable(actor: Actor, requester: User) -> QuerySet[User]:
    """The people a form's "person" question may name: active users of the requester's
    organisation (anyone for a requester of no organisation, or when an agent orders): a
    requester cannot probe other customers' staff. The order's check and its picker."""
    people = User.objects.filter(is_active=True)
    if requester.organisation_id and not actor.is_agent:
        people = people.filter(organisation_id=requester.organisation_id)
    return people


def person_answer_suggest(actor: Actor, *, q: str) -> list[User]:
    """The person question's picker: people the actor, ordering, may name, matching ``q``."""
    if actor.user is None:
        return []
    return core_selectors.user_suggest(actor, q=q, among=person_answerable(actor, actor.user))
