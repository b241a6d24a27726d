"""The Automation pages: the rules in the order they run (administrators switch them on and
off), a rule's form with its condition and action rows, and a rule's page with its run log
and a dry run against an incident. Agents read; administrators write (others get 404s)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.automation import selectors, services
from steward.automation.choices import TEXT_FIELDS, Trigger
from steward.automation.filters import parse_query
from steward.automation.forms import (
    ACTION_CHOICES,
    CONDITION_CHOICES,
    MAX_ROWS,
    OPERATOR_CHOICES,
    DryRunForm,
    Row,
    RuleForm,
    command,
    rows_from,
    rows_of,
    values,
)
from steward.core.errors import DomainError, NotFound, StaleVersion
from steward.web.forms import STALE_MESSAGE


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.actor):
        raise NotFound()  # requesters get the page an unknown address gets


def _require_writer(request: HttpRequest) -> None:
    if not selectors.can_write(request.actor):
        raise NotFound()


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule in the order they run, with its trigger and whether it is on."""
    _require_reader(request)
    filters, errors = parse_query(request.GET)
    rules = [] if errors else selectors.rule_list(request.actor, **filters.dict())
    context = {
        "rules": rules,
        "can_write": selectors.can_write(request.actor),
        "errors": errors,
        "triggers": Trigger.choices,
        "trigger": filters.trigger,
    }
    return render(request, "automation/list.html", context, status=422 if errors else 200)


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: str) -> HttpResponse:
    """Switch a rule on or off from the list."""
    _require_writer(request)
    rule = selectors.rule_get(request.actor, pk=pk)
    services.rule_update(
        request.actor, pk=rule.pk, expected_version=None, changes={"is_active": not rule.is_active}
    )
    return redirect("automation:list")


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: str) -> HttpResponse:
    _require_writer(request)
    services.rule_delete(request.actor, pk=pk)
    return redirect("automation:list")


def _form_page(
    request: HttpRequest,
    form: RuleForm,
    conditions: list[Row],
    actions: list[Row],
    *,
    rule=None,
    status: int = 200,
    stale: bool = False,
    groups: dict[str, list[str]] | None = None,
) -> HttpResponse:
    groups = groups or {}
    if status >= 400 and not actions:
        actions = [Row(0, "")]  # a rule needs one: its row ready to fill in
    # each row's value offers what its field or action takes (server-drawn: no script)
    for row in conditions:
        row.options = selectors.CONDITION_LISTS.get(row.kind, "")
    for row in actions:
        row.options = selectors.ACTION_LISTS.get(row.kind, "")
    context = {
        "condition_errors": groups.get("conditions", []),
        "action_errors": groups.get("actions", []),
        "form": form,
        "rule": rule,
        "conditions": conditions,
        "actions": actions,
        "condition_choices": CONDITION_CHOICES,
        "operator_choices": OPERATOR_CHOICES,
        "action_choices": ACTION_CHOICES,
        "value_choices": selectors.rule_value_choices(request.actor),
        "text_fields": [str(f) for f in TEXT_FIELDS],
        "stale": stale,
    }
    return render(request, "automation/form.html", context, status=status)


def _place_errors(
    form: RuleForm, exc: DomainError, conditions: list[Row], actions: list[Row]
) -> dict[str, list[str]]:
    """Each message beside what it names: a field of the form, a row (``actions.1.value``),
    or the rows as a whole (``actions``: none given), which the fieldset's own list shows."""
    placed = False
    groups: dict[str, list[str]] = {}
    for name, messages in exc.fields.items():
        if name.endswith(".operator"):  # the service names the codes (is_not), for the API
            messages = [
                _("Title and description take “contains”; every other field “is” or “is not”.")
            ]
        head, _dot, rest = name.partition(".")
        rows = {"conditions": conditions, "actions": actions}.get(head)
        index = rest.partition(".")[0]
        if rows is not None and not rest:
            groups.setdefault(head, []).extend(messages)
            placed = True
        elif rows is not None and index.isdigit() and int(index) < len(rows):
            rows[int(index)].errors.extend(messages)
            placed = True
        elif name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
    return groups


def _submitted(request: HttpRequest, rule=None) -> HttpResponse:
    form = RuleForm(request.POST)
    conditions = rows_from(request.POST, "condition", MAX_ROWS["condition"])
    actions = rows_from(request.POST, "action", MAX_ROWS["action"])
    what, index = command(request.POST)
    if what != "save":
        form.is_valid()  # redrawn with what was typed
        if what == "add_condition":
            conditions.append(Row(len(conditions), ""))
        elif what == "add_action":
            actions.append(Row(len(actions), ""))
        else:
            rows = conditions if what == "remove_condition" else actions
            if index is not None and index < len(rows):
                del rows[index]
        return _form_page(request, form, _numbered(conditions), _numbered(actions), rule=rule)
    conditions = _numbered([r for r in conditions if r.kind or r.value])
    actions = _numbered([r for r in actions if r.kind or r.value])
    if not form.is_valid():
        return _form_page(request, form, conditions, actions, rule=rule, status=422)
    given = values(form, conditions, actions)
    try:
        if rule is None:
            if given["position"] is None:
                del given["position"]
            saved = services.rule_create(request.actor, **given)
        else:
            saved = services.rule_update(
                request.actor,
                pk=rule.pk,
                expected_version=form.cleaned_data.get("version"),
                changes=given,
            )
    except StaleVersion:
        form.add_error(None, STALE_MESSAGE)
        return _form_page(request, form, conditions, actions, rule=rule, status=412, stale=True)
    except NotFound:
        raise
    except DomainError as exc:
        groups = _place_errors(form, exc, conditions, actions)
        return _form_page(
            request, form, conditions, actions, rule=rule, status=exc.status, groups=groups
        )
    return redirect("automation:detail", pk=saved.pk)


def _numbered(rows: list[Row]) -> list[Row]:
    for i, row in enumerate(rows):
        row.index = i
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    """A new rule: one condition row and one action row to start with."""
    _require_writer(request)
    if request.method == "POST":
        return _submitted(request)
    form = RuleForm(initial={"trigger": Trigger.CREATED, "is_active": True})
    return _form_page(request, form, [Row(0, "")], [Row(0, "")])


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: str) -> HttpResponse:
    _require_writer(request)
    rule = selectors.rule_get(request.actor, pk=pk)
    if request.method == "POST":
        return _submitted(request, rule)
    form = RuleForm(
        initial={
            "name": rule.name,
            "description": rule.description,
            "trigger": rule.trigger,
            "trigger_status": rule.trigger_status,
            "trigger_clock": rule.trigger_clock,
            "position": rule.position,
            "is_active": rule.is_active,
            "stop_processing": rule.stop_processing,
            "version": rule.version,
        }
    )
    conditions, actions = rows_of(rule.conditions, rule.actions)
    return _form_page(request, form, conditions, actions, rule=rule)


def _named_parts(actor, rule) -> dict[str, list[dict]]:
    """The rule's conditions and actions with each value by the name the form offers it
    under (a team, category, organisation or agent by name, a level by its label): the page
    read "Assign to team applications", the slug; a value no list holds stays as kept."""
    names = {kind: dict(options) for kind, options in selectors.rule_value_choices(actor).items()}

    def named(kind: str | None, value) -> str:
        return names.get(kind or "", {}).get(str(value), value)

    return {
        "conditions": [
            {**c, "name": named(selectors.CONDITION_LISTS.get(c.get("field")), c.get("value"))}
            for c in rule.conditions
        ],
        "actions": [
            {**a, "name": named(selectors.ACTION_LISTS.get(a.get("action")), a.get("value"))}
            for a in rule.actions
        ],
    }


@login_required
@require_GET
def rule_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A rule: its conditions and actions, its latest runs, and a dry run (``?incident=``)."""
    _require_reader(request)
    actor = request.actor
    rule = selectors.rule_get(actor, pk=pk)
    dry, dry_form, status = None, DryRunForm(), 200
    if "incident" in request.GET:
        dry_form = DryRunForm(request.GET)
        if dry_form.is_valid():
            try:
                dry = selectors.dry_run(actor, rule=rule, number=dry_form.cleaned_data["incident"])
            except NotFound:
                dry_form.add_error("incident", _("No such incident (or not one you may see)."))
        if dry is None:
            status = 422
    context = {
        "rule": rule,
        **_named_parts(actor, rule),
        "runs": selectors.rule_runs(actor, rule),
        "can_write": selectors.can_write(actor),
        "dry": dry,
        "dry_form": dry_form,
    }
    return render(request, "automation/detail.html", context, status=status)
