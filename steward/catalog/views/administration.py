"""Administering the catalogue without code (administrators only): the items and services,
an item's own settings with its questions, approval stages and fulfilment tasks as rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from steward.catalog import selectors, services
from steward.catalog.forms import FieldRows, ItemForm, ServiceForm, StageRows, TaskRows
from steward.catalog.models import CatalogItem, Service
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError, StaleVersion, ValidationFailed
from steward.core.services.common import require_admin
from steward.sla import selectors as sla_selectors
from steward.web.forms import apply_error, see_other

ROW_FIELDS = {"min": "minimum", "max": "maximum", "show_if": "show_if_field"}


@login_required
@require_GET
def admin_list(request: HttpRequest) -> HttpResponse:
    """Every item and service, with links to edit them."""
    require_admin(request.actor, gettext("build the service catalogue"))
    return render(
        request,
        "catalog/admin_list.html",
        {
            "items": selectors.item_list(request.actor, limit=500).items,
            "services": selectors.service_list(request.actor, limit=500).items,
        },
    )


def _choices(actor: Actor) -> dict[str, Any]:
    return {
        "services": selectors.service_list(actor, limit=500).items,
        "organisations": list(core_selectors.organisation_visible(actor).order_by("name")),
        "policies": _policies(actor),
    }


def _policies(actor: Actor) -> list:
    return list(sla_selectors.policy_visible(actor).filter(is_active=True).order_by("name"))


def _rows(post: Any, actor: Actor, item: CatalogItem | None) -> tuple:
    # the task rows' drop-down: slugs and names kept under the teams stamp (team_list read
    # them, and every member of every team, on each page)
    teams = core_selectors.team_choices(actor, limit=200)
    row_kwargs = {"teams": teams, "policies": _policies(actor)}
    if post is not None:
        return (
            FieldRows(post, prefix="fields"),
            StageRows(post, prefix="stages"),
            TaskRows(post, prefix="tasks", form_kwargs=row_kwargs),
        )
    form = [FieldRows.form.initial_of(f) for f in item.form] if item else []
    stages = [StageRows.form.initial_of(s) for s in item.approval_stages] if item else []
    return (
        FieldRows(prefix="fields", initial=form),
        StageRows(prefix="stages", initial=stages),
        TaskRows(
            prefix="tasks",
            initial=item.task_templates if item else [],
            form_kwargs=row_kwargs,
        ),
    )


def _definitions(rows: forms.BaseFormSet) -> tuple[list[dict], list[int]]:
    """The filled rows' definitions and, for each, its row number (to place errors)."""
    found, where = [], []
    for i, row in enumerate(rows):
        definition = row.definition()
        if definition is not None:
            found.append(definition)
            where.append(i)
    return found, where


def _place(exc: ValidationFailed, form: forms.Form, rows: dict[str, tuple]) -> None:
    """``form.2.choices`` lands on row 2's choices; the item's own fields on the item form."""
    for name, messages in exc.fields.items():
        prefix, _, rest = name.partition(".")
        if prefix in rows and rest:
            formset, where = rows[prefix]
            index, _, setting = rest.partition(".")
            row = (
                formset[where[int(index)]] if index.isdigit() and int(index) < len(where) else None
            )
            if row is None:
                form.add_error(None, f"{name}: {' '.join(messages)}")
                continue
            setting = ROW_FIELDS.get(setting, setting)
            row.add_error(setting if setting in row.fields else None, messages)
        elif name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, f"{name}: {' '.join(messages)}")


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """A new item, or one to change: its settings, questions, approval stages and tasks."""
    actor = request.actor
    require_admin(actor, gettext("build the service catalogue"))
    item = selectors.item_get(actor, slug=slug) if slug else None
    if request.method == "GET":
        initial = {"audience": "everyone", "task_mode": "ordered", "is_active": True}
        if item:
            initial = {
                "version": item.version,
                "name": item.name,
                "category": item.category,
                "description": item.description,
                "service": item.service.slug if item.service else "",
                "audience": item.audience,
                "audience_roles": item.audience_roles,
                "audience_organisations": [o.slug for o in item.audience_organisations.all()],
                "task_mode": item.task_mode,
                "sla_policy": item.sla_policy.slug if item.sla_policy else "",
                "is_active": item.is_active,
            }
        form = ItemForm(initial=initial, **_choices(actor))
        fields, stages, tasks = _rows(None, actor, item)
        return _page(request, item, form, fields, stages, tasks)
    form = ItemForm(request.POST, **_choices(actor))
    fields, stages, tasks = _rows(request.POST, actor, item)
    valid = all([form.is_valid(), fields.is_valid(), stages.is_valid(), tasks.is_valid()])
    if valid:
        try:
            saved = _save(actor, item, form, fields, stages, tasks)
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationFailed as exc:
            _place(
                exc,
                form,
                {
                    "form": (fields, _definitions(fields)[1]),
                    "approval_stages": (stages, _definitions(stages)[1]),
                    "task_templates": (tasks, _definitions(tasks)[1]),
                },
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return see_other(request, reverse("catalog:item_edit", args=[saved.slug]))
    return _page(request, item, form, fields, stages, tasks, status=422)


def _save(actor: Actor, item, form, fields, stages, tasks) -> CatalogItem:  # noqa: ANN001
    data = dict(form.cleaned_data)
    version = data.pop("version")
    data["service"] = data["service"] or None
    data["sla_policy"] = data.get("sla_policy") or None
    data["form"] = _definitions(fields)[0]
    data["approval_stages"] = _definitions(stages)[0]
    data["task_templates"] = _definitions(tasks)[0]
    if item is None:
        return services.item_create(actor, **data)
    return services.item_update(actor, slug=item.slug, expected_version=version, changes=data)


def _page(request, item, form, fields, stages, tasks, status: int = 200) -> HttpResponse:  # noqa: ANN001
    return render(
        request,
        "catalog/admin_item.html",
        {"item": item, "form": form, "fields": fields, "stages": stages, "tasks": tasks},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """A new service, or one to change."""
    actor = request.actor
    require_admin(actor, gettext("change the service portfolio"))
    service: Service | None = selectors.service_get(actor, slug=slug) if slug else None
    if request.method == "GET":
        initial = {"kind": "business", "stage": "pipeline"}
        if service:
            initial = {
                "version": service.version,
                "name": service.name,
                "kind": service.kind,
                "stage": service.stage,
                "description": service.description,
                "owner": service.owner.username if service.owner else "",
                "support_team": service.support_team.slug if service.support_team else "",
                "configuration_item": service.configuration_item.number
                if service.configuration_item
                else "",
            }
        form = ServiceForm(initial=initial)
    else:
        form = ServiceForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            for name in ("owner", "support_team", "configuration_item"):
                data[name] = data[name] or None
            try:
                if service is None:
                    services.service_create(actor, **data)
                else:
                    services.service_update(
                        actor, slug=service.slug, expected_version=version, changes=data
                    )
            except DomainError as exc:
                apply_error(form, exc)
            else:
                return see_other(request, reverse("catalog:admin"))
    status = 422 if form.is_bound else 200
    return render(
        request, "catalog/admin_service.html", {"service": service, "form": form}, status=status
    )
