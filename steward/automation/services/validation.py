"""Pure checks of a rule's parts, shared by every write path (API, web, demo): each bad part
is named by its place, e.g. ``conditions.1.value`` (a 422 or a form error, never a 500)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from steward.automation.choices import (
    ACTION_FIELDS,
    MAX_ACTIONS,
    MAX_CONDITIONS,
    NOTIFY_REQUESTER,
    NOTIFY_TEAM,
    SLA_TRIGGERS,
    TEXT_FIELDS,
    ActionKind,
    ConditionField,
    Operator,
    Trigger,
    TriggerClock,
)
from steward.cmdb.models import ConfigurationItem
from steward.core.errors import ValidationFailed
from steward.core.models import Organisation, Team, User
from steward.core.text import SINGLE_LINE_MESSAGE, is_single_line
from steward.incidents.choices import IncidentChannel, Status
from steward.incidents.models import Category

Errors = dict[str, list[str]]
LEVELS = {"priority": 5, "impact": 3, "urgency": 3}
NAME_MAX, TEXT_MAX, NOTE_MAX = 100, 200, 5000


def name(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else None
    if not text:
        raise ValidationFailed.one("name", _("required"))
    if len(text) > NAME_MAX:
        raise ValidationFailed.one("name", _("at most %(n)s characters") % {"n": NAME_MAX})
    if not is_single_line(text):
        raise ValidationFailed.one("name", SINGLE_LINE_MESSAGE)
    return text


def trigger(value: Any, status: Any, clock: Any = "") -> tuple[str, str, str]:
    """The trigger, the status a status change must reach, the SLA clock an SLA trigger
    listens to; each of the last two only with its trigger."""
    if value not in Trigger.values:
        raise ValidationFailed.one("trigger", _("one of: %(v)s") % {"v": ", ".join(Trigger.values)})
    clock = clock or ""
    if clock and (value not in SLA_TRIGGERS.values() or clock not in TriggerClock.values):
        raise ValidationFailed.one(
            "trigger_clock",
            _("%(v)s (empty: either), for the SLA triggers only")
            % {"v": ", ".join(TriggerClock.values)},
        )
    status = status or ""
    if status and (value != Trigger.STATUS_CHANGED or status not in Status.values):
        raise ValidationFailed.one(
            "trigger_status",
            _("a status (%(v)s), for the trigger status_changed only")
            % {"v": ", ".join(Status.values)},
        )
    return value, status, clock


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if 0 < len(text) <= limit else None


def _level(value: Any, top: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= top else None


def _exists(qs: Any, key: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return value if qs.filter(**{key: value}).exists() else None


def _reference(field: str, value: Any) -> tuple[Any, str]:
    """A referenced row's key as kept in the rule, or ``None`` with why not."""
    if field == ConditionField.CATEGORY:
        return _exists(Category.objects.filter(parent=None), "slug", value), _("no such category")
    if field == ConditionField.SUBCATEGORY:
        found = _exists(Category.objects.exclude(parent=None), "slug", value)
        return found, _("no such subcategory")
    if field == ConditionField.TEAM:
        return _exists(Team.objects, "slug", value), _("no such team")
    if field == ConditionField.ORGANISATION:
        return _exists(Organisation.objects, "slug", value), _("no such organisation")
    number = value.strip().upper() if isinstance(value, str) else value
    return _exists(ConfigurationItem.objects, "number", number), _("no such configuration item")


def _condition_value(field: str, operator: str, value: Any) -> tuple[Any, str]:
    """The value kept, or ``None`` with the message naming what was expected."""
    if field in TEXT_FIELDS:
        return _text(value, TEXT_MAX), _("text of 1 to %(n)s characters") % {"n": TEXT_MAX}
    if field in LEVELS:
        top = LEVELS[field]
        return _level(value, top), _("a whole number from 1 to %(n)s") % {"n": top}
    if field == ConditionField.STATUS:
        ok = value if value in Status.values else None
        return ok, _("one of: %(v)s") % {"v": ", ".join(Status.values)}
    if field == ConditionField.CHANNEL:
        ok = value if value in IncidentChannel.values else None
        return ok, _("one of: %(v)s") % {"v": ", ".join(IncidentChannel.values)}
    if value in ("", None):
        return "", ""  # a reference that is not set ("team is none")
    if not isinstance(value, str):
        return None, _("expected text (a slug or number)")
    return _reference(field, value)


def conditions(raw: Any) -> list[dict[str, Any]]:
    """Every condition checked: a known field, its operator, a value of its type naming an
    existing row; all errors at once."""
    if not isinstance(raw, list):
        raise ValidationFailed.one("conditions", _("expected a list"))
    if len(raw) > MAX_CONDITIONS:
        raise ValidationFailed.one("conditions", _("at most %(n)s") % {"n": MAX_CONDITIONS})
    errors: Errors = {}
    kept = []
    for i, item in enumerate(raw):
        at = f"conditions.{i}"
        if not isinstance(item, dict):
            errors[at] = [_("expected an object with field, operator and value")]
            continue
        unknown = sorted(set(item) - {"field", "operator", "value"})
        if unknown:
            errors[f"{at}.{unknown[0]}"] = [_("unknown key")]
            continue
        field = item.get("field")
        if field not in ConditionField.values:
            errors[f"{at}.field"] = [_("one of: %(v)s") % {"v": ", ".join(ConditionField.values)}]
            continue
        allowed = (Operator.CONTAINS,) if field in TEXT_FIELDS else (Operator.IS, Operator.IS_NOT)
        operator = item.get("operator") or allowed[0]
        if operator not in allowed:
            errors[f"{at}.operator"] = [_("one of: %(v)s") % {"v": ", ".join(allowed)}]
            continue
        value, why = _condition_value(field, operator, item.get("value"))
        if value is None:
            errors[f"{at}.value"] = [why]
            continue
        kept.append({"field": field, "operator": operator, "value": value})
    if errors:
        raise ValidationFailed(errors)
    return kept


def _user(value: Any, *, agent: bool) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    user = User.objects.filter(username=value.strip(), is_active=True).first()
    if user is None or (agent and not user.is_agent):
        return None
    return user.username


def _action_value(kind: str, value: Any) -> tuple[Any, str]:
    field = ACTION_FIELDS.get(kind)
    if field in LEVELS:
        top = LEVELS[field]
        return _level(value, top), _("a whole number from 1 to %(n)s") % {"n": top}
    if kind == ActionKind.ASSIGN_TEAM:
        return _reference(ConditionField.TEAM, value)
    if kind == ActionKind.SET_CATEGORY:
        return _reference(ConditionField.CATEGORY, value)
    if kind == ActionKind.SET_SUBCATEGORY:
        return _reference(ConditionField.SUBCATEGORY, value)
    if kind == ActionKind.ASSIGN_AGENT:
        return _user(value, agent=True), _("no such active agent")
    if kind == ActionKind.ADD_WATCHER:
        return _user(value, agent=False), _("no such active user")
    if kind == ActionKind.ADD_NOTE:
        return _text(value, NOTE_MAX), _("text of 1 to %(n)s characters") % {"n": NOTE_MAX}
    # notify: the team, the requester, or one address
    why = _("team, requester or an email address")
    if not isinstance(value, str):
        return None, why
    target = value.strip()
    if target in (NOTIFY_TEAM, NOTIFY_REQUESTER):
        return target, why
    try:
        validate_email(target)
    except ValidationError:
        return None, why
    return target.lower(), why


def actions(raw: Any) -> list[dict[str, Any]]:
    """Every action checked (at least one); a field set twice, or an agent outside the team
    the rule assigns, refused."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed.one("actions", _("at least one action"))
    if len(raw) > MAX_ACTIONS:
        raise ValidationFailed.one("actions", _("at most %(n)s") % {"n": MAX_ACTIONS})
    errors: Errors = {}
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        at = f"actions.{i}"
        if not isinstance(item, dict):
            errors[at] = [_("expected an object with action and value")]
            continue
        unknown = sorted(set(item) - {"action", "value"})
        if unknown:
            errors[f"{at}.{unknown[0]}"] = [_("unknown key")]
            continue
        kind = item.get("action")
        if kind not in ActionKind.values:
            errors[f"{at}.action"] = [_("one of: %(v)s") % {"v": ", ".join(ActionKind.values)}]
            continue
        if kind in ACTION_FIELDS and kind in seen:
            errors[f"{at}.action"] = [_("this field is already set by an earlier action")]
            continue
        seen.add(kind)
        value, why = _action_value(kind, item.get("value"))
        if value is None:
            errors[f"{at}.value"] = [why]
            continue
        kept.append({"action": kind, "value": value})
    if errors:
        raise ValidationFailed(errors)
    _agent_in_team(kept)
    return kept


def _agent_in_team(kept: list[dict[str, Any]]) -> None:
    by_kind = {a["action"]: (i, a["value"]) for i, a in enumerate(kept)}
    if ActionKind.ASSIGN_TEAM in by_kind and ActionKind.ASSIGN_AGENT in by_kind:
        slug = by_kind[ActionKind.ASSIGN_TEAM][1]
        i, username = by_kind[ActionKind.ASSIGN_AGENT]
        if not Team.objects.filter(slug=slug, members__username=username).exists():
            raise ValidationFailed.one(
                f"actions.{i}.value", _("the agent is not a member of the team assigned")
            )


def position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100000:
        raise ValidationFailed.one("position", _("a whole number from 0 to 100000"))
    return value
