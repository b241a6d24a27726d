"""What import-linter cannot see: the ORM stays out of the thin layers, datetimes stay aware."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture.apps import STEWARD

THIN_LAYERS = ("api", "views", "forms", "filters", "schemas", "urls")


def _thin_modules() -> list[Path]:
    found = []
    for app in sorted(p for p in STEWARD.iterdir() if p.is_dir()):
        for layer in THIN_LAYERS:
            module = app / f"{layer}.py"
            package = app / layer
            if module.exists():
                found.append(module)
            if package.is_dir():
                found.extend(sorted(package.rglob("*.py")))
    return found


def _source_modules() -> list[Path]:
    return [p for p in sorted(STEWARD.rglob("*.py")) if "migrations" not in p.parts]


def _name(node: ast.AST) -> str:
    """Dotted name of an attribute chain (`datetime.datetime.now`), '' if not a plain chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _touches_manager(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}


def _saves(node: ast.AST) -> bool:
    # a statement `x.save()`: router decorators such as `@router.delete(...)` are not
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr in {"save", "delete", "bulk_create", "bulk_update"}
    )


def orm_uses(source: str) -> list[int]:
    """Lines that touch a model manager (`X.objects`) or save a model (`x.save()`)."""
    nodes = ast.walk(ast.parse(source))
    return sorted({n.lineno for n in nodes if _touches_manager(n) or _saves(n)})


NAIVE = {"datetime.now", "datetime.datetime.now", "dt.datetime.now"}
ALWAYS_NAIVE = {"utcnow", "utcfromtimestamp", "today"}


def _is_naive(node: ast.Call) -> bool:
    name = _name(node.func)
    if name in NAIVE:
        return not node.args and not any(k.arg == "tz" for k in node.keywords)
    head, _, tail = name.rpartition(".")
    return tail in ALWAYS_NAIVE and head.split(".")[0] in {"datetime", "dt", "date"}


def naive_datetimes(source: str) -> list[int]:
    """Lines that make a naive datetime: now() without tz, utcnow(), date.today() and kin."""
    nodes = ast.walk(ast.parse(source))
    return [n.lineno for n in nodes if isinstance(n, ast.Call) and _is_naive(n)]


def test_the_checks_catch_what_they_are_for():
    assert orm_uses("def f():\n    return Incident.objects.all()\n") == [2]
    assert orm_uses("def f(i):\n    i.save()\n") == [2]
    assert orm_uses("def f(i):\n    return services.incident_update(i)\n") == []
    assert orm_uses("@router.delete('/{n}')\ndef f(n):\n    return n\n") == []
    assert naive_datetimes("import datetime\nx = datetime.datetime.now()\n") == [2]
    assert naive_datetimes("import datetime as dt\nx = dt.datetime.utcnow()\n") == [2]
    assert naive_datetimes("from datetime import date\nx = date.today()\n") == [2]
    assert naive_datetimes("from datetime import datetime, UTC\nx = datetime.now(UTC)\n") == []
    assert len(_thin_modules()) > 10


@pytest.mark.parametrize("path", _thin_modules(), ids=lambda p: str(p.relative_to(STEWARD)))
def test_no_orm_in_api_views_or_forms(path):
    assert orm_uses(path.read_text()) == [], "read through selectors, write through services"


def test_no_naive_datetimes():
    found = {
        str(p.relative_to(STEWARD)): lines
        for p in _source_modules()
        if (lines := naive_datetimes(p.read_text()))
    }
    assert found == {}, "use django.utils.timezone.now() / localdate()"
