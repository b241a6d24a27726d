"""Pure validators of catalogue definitions and of the answers to an item's form.

Every write path (API, web, admin pages, demo) goes through these. Errors name the field:
``form.2.choices`` for a definition, ``answers.<key>`` for an answer. Answers are stored as
given (after type checks), never as HTML: pages escape them, so markup in an answer is inert.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from steward.catalog.choices import ApproverKind, FieldType, TaskMode
from steward.catalog.services.fulfilment import action_names
from steward.core.errors import ValidationFailed
from steward.core.text import is_single_line

KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
NUMBER = re.compile(r"[-+]?[0-9]{1,12}(\.[0-9]{1,6})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
MAX_TEXT = 4000
MAX_FIELDS = 60
MAX_STAGES = 10
MAX_TASKS = 20
QUORUMS = ("any", "all")

Errors = dict[str, list[str]]


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(errors)


def _label(raw: dict, where: str, errors: Errors) -> str:
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 200:
        errors.setdefault(f"{where}.label", []).append(_("a label of 1 to 200 characters"))
        return ""
    if not is_single_line(label):
        errors.setdefault(f"{where}.label", []).append(_("one line"))
    return label.strip()


def _form_field(raw: Any, where: str, earlier: dict[str, dict], errors: Errors) -> dict | None:
    """One field of a form definition, cleaned; earlier fields are those a condition may name."""
    if not isinstance(raw, dict):
        errors.setdefault(where, []).append(_("an object with key, label and type"))
        return None
    known = {"key", "label", "type", "required", "help", "choices", "min", "max", "show_if"}
    for extra in sorted(set(raw) - known):
        errors.setdefault(f"{where}.{extra}", []).append(_("unknown setting"))
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        errors.setdefault(f"{where}.key", []).append(_("lower-case letters, digits and _"))
        key = ""
    elif key in earlier:
        errors.setdefault(f"{where}.key", []).append(
            _("%(key)s is used twice") % {"key": repr(key)}
        )
    kind = raw.get("type")
    if kind not in FieldType.values:
        errors.setdefault(f"{where}.type", []).append(
            _("one of %(value)s") % {"value": ", ".join(FieldType.values)}
        )
    field: dict[str, Any] = {
        "key": key,
        "label": _label(raw, where, errors),
        "type": kind,
        "required": raw.get("required", False) is True,
        "help": str(raw.get("help") or "")[:300],
    }
    if kind == FieldType.CHOICE:
        choices = raw.get("choices")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c.strip() and len(c) <= 120 for c in choices)
            or len(set(choices)) != len(choices)
        ):
            errors.setdefault(f"{where}.choices", []).append(_("a list of distinct texts"))
        else:
            field["choices"] = [c.strip() for c in choices]
    if kind == FieldType.NUMBER:
        for bound in ("min", "max"):
            value = raw.get(bound)
            if value is not None:
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or not math.isfinite(value)  # a NaN bound let every answer through
                ):
                    errors.setdefault(f"{where}.{bound}", []).append(_("a number"))
                else:
                    field[bound] = value
        if field.get("min", -math.inf) > field.get("max", math.inf):
            errors.setdefault(f"{where}.max", []).append(
                _("at least %(min)s") % {"min": field["min"]}
            )
    condition = raw.get("show_if")
    if condition is not None:
        field["show_if"] = _condition(condition, f"{where}.show_if", earlier, errors)
    return field


def _condition(raw: Any, where: str, earlier: dict[str, dict], errors: Errors) -> dict:
    """``{"field": <an earlier key>, "equals": <an answer it may give>}``."""
    if not isinstance(raw, dict) or set(raw) != {"field", "equals"}:
        errors.setdefault(where, []).append(_('{"field": <key>, "equals": <answer>}'))
        return {}
    # a key is text: a list or an object here is no key (and no dict key: a 500)
    target = earlier.get(raw["field"]) if isinstance(raw["field"], str) else None
    if target is None:
        errors.setdefault(where, []).append(_("must name a field above this one"))
        return {}
    if target.get("type") == FieldType.CHOICE and raw["equals"] not in target.get("choices", []):
        errors.setdefault(where, []).append(
            _("%(value)s is not a choice of that field") % {"value": repr(raw["equals"])}
        )
    if not isinstance(raw["equals"], str | int | float | bool):
        errors.setdefault(where, []).append(_("equals a text, number or true/false"))
    return {"field": raw["field"], "equals": raw["equals"]}


def clean_form(raw: Any) -> list[dict]:
    """A form definition: a list of typed fields, conditions naming fields above them."""
    if not isinstance(raw, list) or len(raw) > MAX_FIELDS:
        raise ValidationFailed.one(
            "form", _("a list of at most %(max_fields)s fields") % {"max_fields": MAX_FIELDS}
        )
    errors: Errors = {}
    fields: dict[str, dict] = {}
    for i, entry in enumerate(raw):
        field = _form_field(entry, f"form.{i}", fields, errors)
        if field is not None and field["key"]:
            fields[field["key"]] = field
    _raise(errors)
    return list(fields.values())


def clean_stages(raw: Any, *, team_exists: Callable[[str], bool]) -> list[dict]:
    """Approval stages, run in order; each has approvers of one kind and a quorum."""
    if not isinstance(raw, list) or len(raw) > MAX_STAGES:
        raise ValidationFailed.one(
            "approval_stages",
            _("a list of at most %(max_stages)s stages") % {"max_stages": MAX_STAGES},
        )
    errors: Errors = {}
    stages = []
    for i, entry in enumerate(raw):
        where = f"approval_stages.{i}"
        if not isinstance(entry, dict):
            errors.setdefault(where, []).append(_("an object with approvers and quorum"))
            continue
        kind = entry.get("approvers")
        if kind not in ApproverKind.values:
            errors.setdefault(f"{where}.approvers", []).append(
                _("one of %(value)s") % {"value": ", ".join(ApproverKind.values)}
            )
        stage: dict[str, Any] = {
            "name": str(entry.get("name") or f"Stage {i + 1}")[:120],
            "approvers": kind,
            "quorum": _quorum(entry.get("quorum", "any"), f"{where}.quorum", errors),
        }
        if kind == ApproverKind.TEAM:
            team = entry.get("team")
            if not isinstance(team, str) or not team_exists(team):
                errors.setdefault(f"{where}.team", []).append(_("an active team's slug"))
            stage["team"] = team
        if kind == ApproverKind.USERS:
            users = entry.get("users")
            if (
                not isinstance(users, list)
                or not users
                or not all(isinstance(u, str) for u in users)
            ):
                errors.setdefault(f"{where}.users", []).append(_("a list of usernames"))
            stage["users"] = users
        stages.append(stage)
    _raise(errors)
    return stages


def _quorum(value: Any, where: str, errors: Errors) -> str | int:
    if value in QUORUMS:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 50:
        return value
    errors.setdefault(where, []).append(_("any, all, or a number of approvals from 1 to 50"))
    return "any"


def clean_tasks(
    raw: Any,
    mode: Any,
    *,
    team_exists: Callable[[str], bool],
    policy_exists: Callable[[str], bool] = lambda slug: False,
) -> tuple[list, str]:
    """Fulfilment task templates (a title and a team each, an SLA policy optionally) and
    how they run."""
    if mode not in TaskMode.values:
        raise ValidationFailed.one(
            "task_mode", _("one of %(value)s") % {"value": ", ".join(TaskMode.values)}
        )
    if not isinstance(raw, list) or len(raw) > MAX_TASKS:
        raise ValidationFailed.one(
            "task_templates", _("a list of at most %(max_tasks)s tasks") % {"max_tasks": MAX_TASKS}
        )
    errors: Errors = {}
    tasks = []
    for i, entry in enumerate(raw):
        where = f"task_templates.{i}"
        if not isinstance(entry, dict) or set(entry) - {"title", "team", "action", "sla_policy"}:
            errors.setdefault(where, []).append(
                _(
                    '{"title": …, "team": <team slug>, "action": <optional fulfilment action>, '
                    '"sla_policy": <policy slug, optional>}'
                )
            )
            continue
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            errors.setdefault(f"{where}.title", []).append(_("a title of 1 to 200 characters"))
        team = entry.get("team")
        if not isinstance(team, str) or not team_exists(team):
            errors.setdefault(f"{where}.team", []).append(_("an active team's slug"))
        task = {"title": str(title or "").strip(), "team": team}
        if entry.get("action") not in (None, ""):
            if entry["action"] not in action_names():
                errors.setdefault(f"{where}.action", []).append(
                    _("one of %(value)s") % {"value": ", ".join(action_names()) or _("no actions")}
                )
            task["action"] = entry["action"]
        policy = entry.get("sla_policy")
        if policy not in (None, ""):
            if not isinstance(policy, str) or not policy_exists(policy):
                errors.setdefault(f"{where}.sla_policy", []).append(
                    _("an active SLA policy's slug")
                )
            task["sla_policy"] = policy
        tasks.append(task)
    _raise(errors)
    return tasks, mode


def needed_votes(quorum: str | int, approvers: int) -> int:
    """Approvals a stage needs from its ``approvers``."""
    if quorum == "any":
        return 1
    if quorum == "all":
        return approvers
    return int(quorum)


# --- answers --------------------------------------------------------------------------


def is_shown(field: dict, answers: dict[str, Any]) -> bool:
    """A conditional field is asked only when the field it names got the given answer."""
    condition = field.get("show_if")
    if not condition:
        return True
    return answers.get(condition["field"]) == condition["equals"]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _number(field: dict, value: Any) -> tuple[Any, str]:
    if isinstance(value, bool):
        return None, _("a number")
    if isinstance(value, str):
        if not NUMBER.fullmatch(value.strip()):
            return None, _("a number")
        text = value.strip()
        value = float(text) if "." in text else int(text)
    if not isinstance(value, int | float) or value != value or abs(value) > 1e12:  # NaN
        return None, _("a number")
    if "min" in field and value < field["min"]:
        return None, _("at least %(min)s") % {"min": field["min"]}
    if "max" in field and value > field["max"]:
        return None, _("at most %(max)s") % {"max": field["max"]}
    return value, ""


def _date(value: Any) -> tuple[Any, str]:
    """A date question of an order asks when something is wanted (needed by, return by, the
    day of a move or a meeting): an order is for today or later, never for a day gone by."""
    if not isinstance(value, str) or not DATE.fullmatch(value.strip()):
        return None, _("a date as YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None, _("a date as YYYY-MM-DD")
    if day < timezone.localdate():
        return None, _("must be today or later")
    return day.isoformat(), ""


MAX_FILES = 10  # as many as the attachment card takes at once (core.forms.AttachmentForm)


def _files(value: Any) -> tuple[Any, str]:
    """An attachment answer before it is stored: uploaded files (the web form) or ids of
    files the person uploaded beforehand (the API); ``request_files.store`` keeps them."""
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_FILES:
        return None, _("at most %(count)s files at once") % {"count": MAX_FILES}
    for item in items:
        if isinstance(item, str):
            if not UUID.fullmatch(item.strip().lower()):
                return None, "attachment ids (uploaded files)"
        elif not (hasattr(item, "read") and hasattr(item, "size")):
            return None, "files, or the ids of files you uploaded"
    # one spelling per file (the id as the API gives it, 8-4-4-4-12): a dashless id found
    # the file and then missed it by name (a 500), and a file named twice was moved twice
    clean: list[Any] = []
    for item in items:
        value = str(uuid.UUID(item.strip())) if isinstance(item, str) else item
        if not (isinstance(value, str) and value in clean):
            clean.append(value)
    return clean, ""


def clean_answer(
    field: dict, value: Any, *, user_ok: Callable[[str], bool], ci_ok: Callable[[str], bool]
) -> tuple[Any, str]:
    """One answer as stored, or an error message."""
    kind = field["type"]
    if kind == FieldType.ATTACHMENT:
        return _files(value)
    if kind == FieldType.NUMBER:
        return _number(field, value)
    if kind == FieldType.DATE:
        return _date(value)
    if not isinstance(value, str):
        return None, _("a text")
    value = value.strip()
    if kind == FieldType.TEXT:
        if len(value) > MAX_TEXT:
            return None, _("at most %(limit)s characters") % {"limit": MAX_TEXT}
        return value, ""
    if kind == FieldType.CHOICE:
        if value not in field["choices"]:
            return None, _("one of: %(value)s") % {"value": ", ".join(field["choices"])}
        return value, ""
    if kind == FieldType.USER:
        return (value, "") if user_ok(value) else (None, _("no such person"))
    if kind == FieldType.CI:
        number = value.upper()
        return (number, "") if ci_ok(number) else (None, _("no such configuration item"))
    return None, "unsupported field type"


def clean_answers(
    form: list[dict],
    raw: Any,
    *,
    user_ok: Callable[[str], bool],
    ci_ok: Callable[[str], bool],
) -> dict[str, Any]:
    """The answers to ``form``: every shown required field answered, each of its type;
    answers to fields that are not shown are dropped, answers to no field are refused."""
    if not isinstance(raw, dict):
        raise ValidationFailed.one("answers", _("an object of field key → answer"))
    errors: Errors = {}
    keys = {f["key"] for f in form}
    for unknown in sorted(set(raw) - keys):
        errors[f"answers.{unknown}"] = [_("no such field on this form")]
    clean: dict[str, Any] = {}
    for field in form:
        if not is_shown(field, clean):
            continue
        value = raw.get(field["key"])
        if _blank(value):
            if field["required"]:
                errors[f"answers.{field['key']}"] = [_("required")]
            continue
        answer, problem = clean_answer(field, value, user_ok=user_ok, ci_ok=ci_ok)
        if problem:
            errors[f"answers.{field['key']}"] = [problem]
        else:
            clean[field["key"]] = answer
    _raise(errors)
    return clean
