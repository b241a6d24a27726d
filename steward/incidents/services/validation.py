"""Pure rules for incident values, called by every write path (the single create and update,
the bulk import, the demo through it), so a value refused by one is refused by all with the
same message.

No queries here: callers look the referenced rows up (the service one by one as the actor
sees them, the bulk path from maps loaded once) and hand in what they found, or ``None``.
Each rule raises ``ValidationFailed`` naming the field, or returns the clean value.
"""

from __future__ import annotations

import functools
from collections.abc import Container
from typing import Any

from django.db.models import Choices
from django.utils.translation import gettext as _

from steward.core.errors import ValidationFailed
from steward.core.models import Team, User
from steward.core.services.common import unknown_ci, unknown_ref
from steward.core.services.references import not_in_team
from steward.incidents.models import Category

TITLE_MAX = 200
SERVICE_CLASS = "business_service"  # the CMDB class (with subclasses) of services


def title(value: Any) -> str:
    clean = str(value or "").strip()
    if not clean or len(clean) > TITLE_MAX:
        raise ValidationFailed.one(
            "title", _("required, at most %(TITLE_MAX)s characters") % {"TITLE_MAX": TITLE_MAX}
        )
    return clean


def level(field: str, value: Any) -> int:
    """Impact or urgency."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
        raise ValidationFailed.one(field, _("must be 1 (high), 2 (medium) or 3 (low)"))
    return value


def priority(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValidationFailed.one("priority", _("must be between 1 (critical) and 5 (planning)"))
    return value


@functools.cache
def _values(choices: type[Choices]) -> frozenset:
    return frozenset(choices.values)  # ``values`` builds its list on every read


def choice(field: str, value: Any, choices: type[Choices]) -> Any:
    """A value of ``choices`` (empty is allowed: the caller decides whether it is required)."""
    if value and (not isinstance(value, str) or value not in _values(choices)):
        raise ValidationFailed.one(
            field, _("one of %(value)s") % {"value": ", ".join(map(str, choices.values))}
        )
    return value


def reference(field: str, key: Any, found: Any, *, label: str) -> Any:
    """The row named by ``key``; ``None`` for no key; a 422 when it names nothing."""
    if key in (None, ""):
        return None
    if found is None:
        raise unknown_ref(field, label, key)
    return found


def category(key: Any, found: Category | None) -> Category | None:
    """A top-level, active category."""
    usable = found if found is not None and found.parent_id is None and found.is_active else None
    return reference("category", key, usable, label="category")


def subcategory(key: Any, found: Category | None, parent: Category | None) -> Category | None:
    """An active child of the incident's category (none without a category)."""
    usable = (
        found
        if found is not None
        and parent is not None
        and found.parent_id == parent.pk
        and found.is_active
        else None
    )
    return reference("subcategory", key, usable, label="subcategory of the chosen category")


def team(key: Any, found: Team | None) -> Team | None:
    """An active team."""
    usable = found if found is not None and found.is_active else None
    return reference("team", key, usable, label="team")


def assignee(key: Any, found: User | None) -> User | None:
    """An active user who is an agent."""
    usable = found if found is not None and found.is_active else None
    user = reference("assignee", key, usable, label="user")
    if user is not None and not user.is_agent:
        raise ValidationFailed.one("assignee", _("is not an agent"))
    return user


def assignee_in_team(team: Team | None, assignee: User | None, members: Container[int]) -> None:
    """With both set, the assignee is one of the team's ``members`` (user ids)."""
    if team is not None and assignee is not None and assignee.pk not in members:
        raise not_in_team(team)


def ci_number(value: Any) -> str:
    """How a CI is named: its number, upper case."""
    return str(value or "").strip().upper()


def configuration_item(key: Any, found: Any) -> Any:
    """A CI the actor may see in the CMDB, by number (empty: none)."""
    if not ci_number(key):
        return None
    if found is None:
        raise unknown_ci("configuration_item", key)
    return found


def affected_service(key: Any, found: Any, *, is_service: bool) -> Any:
    """A business service (a CI of that class or a subclass) the actor may see, by number."""
    if not ci_number(key):
        return None
    if found is None:
        raise unknown_ci("affected_service", key)
    if not is_service:
        raise ValidationFailed.one(
            "affected_service",
            _("%(number)s is not a business service") % {"number": found.number},
        )
    return found
