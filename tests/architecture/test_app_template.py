"""Every domain app has the rooms of docs/decisions/0008 and nothing else at its top level."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver

from tests.architecture.apps import (
    ALWAYS,
    DOMAIN_APPS,
    EXCUSED,
    MAX_LINES,
    OPTIONAL,
    PACKAGES,
    REQUIRED,
    STEWARD,
    SUB_DOMAINS,
    URL_NAME,
    URL_NAMES_EVERY_APP,
)


def _rooms(app: str) -> dict[str, bool]:
    """Top-level room name -> is it a package (a directory)."""
    rooms = {}
    for entry in (STEWARD / app).iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            rooms[entry.name] = True
        elif entry.suffix == ".py":
            rooms[entry.stem] = False
        else:
            rooms[entry.name] = False
    return rooms


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_every_required_room_is_there(app):
    rooms = _rooms(app)
    excused = EXCUSED.get(app, {})
    missing = [r for r in REQUIRED if r not in rooms and r not in excused]
    assert not missing, f"{app} lacks {missing} (docs/decisions/0008-app-template.md)"
    not_packages = [r for r in PACKAGES if r in rooms and not rooms[r]]
    assert not not_packages, f"{app}: {not_packages} must be packages, one module per sub-domain"


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_stray_files_at_the_top_of_an_app(app):
    allowed = set(REQUIRED) | set(ALWAYS) | set(OPTIONAL) | SUB_DOMAINS.get(app, set())
    strays = sorted(set(_rooms(app)) - allowed)
    assert not strays, f"{app} has rooms the template does not know: {strays}"


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_an_excuse_goes_when_the_room_arrives(app):
    stale = [r for r in EXCUSED.get(app, {}) if r in _rooms(app)]
    assert not stale, f"{app} now has {stale}: remove the excuse in tests/architecture/apps.py"


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_templates_live_under_the_apps_own_name(app):
    templates = STEWARD / app / "templates"
    if not templates.is_dir():
        return
    others = sorted(p.name for p in templates.iterdir() if p.name != app)
    assert not others, f"{app}/templates holds {others}: only templates/{app}/"


def _url_names(namespace: str) -> set[str]:
    app_resolver = get_resolver().namespace_dict[namespace][1]
    return {name for name in app_resolver.reverse_dict if isinstance(name, str)}


@pytest.mark.parametrize("app", [a for a in DOMAIN_APPS if (STEWARD / a / "urls.py").exists()])
def test_every_app_names_its_pages_alike(app):
    names = _url_names(app)
    for name in URL_NAMES_EVERY_APP:
        assert name in names, f"{app}:{name} is missing"
    odd = sorted(n for n in names if not re.match(URL_NAME, n))
    assert not odd, f"{app} URL names not in snake_case: {odd}"


def test_no_module_is_over_the_line_limit():
    long = []
    for path in sorted(STEWARD.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            long.append(f"{path.relative_to(STEWARD)} ({lines})")
    assert not long, f"split by sub-domain, each module at most {MAX_LINES} lines: {long}"
