"""What ``POST /changes`` answers: the change ``change_create`` returned, as a row keyed as
``ChangeOut`` reads it, built from the service's own objects (no read back, no ninja getter:
decision 0074, as decision 0065 did for incidents)."""

from __future__ import annotations

from typing import Any

from steward.changes.models import Change
from steward.changes.selectors.disclosure import readable_risk_reasons
from steward.changes.selectors.records import change_created_model, created_services

# ChangeOut's keys: its own columns, the references' shown fields ("requester.username"),
# the links' numbers, the risk reasons as the reader may read them, and the review
PLAIN = (
    "number",
    "title",
    "description",
    "type",
    "status",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "risk_answers",
    "risk_score",
    "risk_level",
    "approval_state",
    "implemented_before_authorisation",
    "schedule_override_reason",
    "outcome",
    "closed_at",
    "created_at",
    "updated_at",
    "version",
)
NAMED = (
    ("template.slug", "template", "slug"),
    ("requester.username", "requester", "username"),
    ("organisation.slug", "organisation", "slug"),
    ("team.slug", "team", "slug"),
    ("assignee.username", "assignee", "username"),
)
LINKED = ("cis", "impacted_services", "incidents", "problems")
KEYS = (*PLAIN, *(key for key, _relation, _name in NAMED), *LINKED, "risk_reasons", "review")


def change_created(actor: Any, change: Change, *, as_row: bool = True) -> Change | dict[str, Any]:
    """The change ``change_create`` just returned, as ``change_get`` would show it, without
    reading it back: a row keyed as ``ChangeOut`` reads it (``KEYS``), its links the records
    the create was given (read through the actor's visibility) and the impacted services
    it found, narrowed to those the actor may see (one query, none for administrators).
    ``as_row=False``: the change itself with those links cached, rendered by ninja (the
    answer before decision 0074; the tests compare the two). A change without them (an
    idempotent retry returns the first one, fetched) is read as ``change_get`` reads it."""
    if not as_row or getattr(change, "created_links", None) is None:
        return change_created_model(actor, change)
    links = change.created_links
    linked = {name: list(links.get(name, [])) for name in LINKED}  # each once (the create)
    linked["impacted_services"] = created_services(actor, linked["impacted_services"])
    change.organisation = _organisation(change)
    row = {key: getattr(change, key) for key in PLAIN}
    for key, relation, name in NAMED:
        related = getattr(change, relation)
        row[key] = None if related is None else getattr(related, name)
    for name, records in linked.items():
        row[name] = sorted(r.number for r in records)
    seen = {ci.number for ci in (*linked["cis"], *linked["impacted_services"])}
    row["risk_reasons"] = readable_risk_reasons(change.risk_reasons or [], seen)
    row["review"] = None  # a new change has none
    return row


def _organisation(change: Change) -> Any:
    """The change's organisation: the requester's when the create read it with them (no
    query), else read as the answer's getter read it."""
    requester = change.requester
    if (
        change.organisation_id is not None
        and not Change.organisation.is_cached(change)
        and requester.organisation_id == change.organisation_id
        and type(requester).organisation.is_cached(requester)
    ):
        return requester.organisation
    return change.organisation
