"""Our own filter refusals speak the reader's language on a page (decision 0130): each is
raised with a type ``core.filters.REFUSALS`` lists, so ``refusal`` prints its phrase in the
active language, as it does pydantic's own (decision 0123); the API prints the English the
validator raised. A filters module raising a refusal of an unlisted type fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.http import QueryDict
from django.utils import translation

import steward
from steward.assets.filters import AssetFilters
from steward.changes.filters import ChangeFilters
from steward.cmdb.filters import CIFilters, parse
from steward.core.filters import REFUSALS, UserFilters, parse_query
from steward.events.choices import ALERT_SEVERITIES
from steward.events.filters import AlertFilters
from steward.incidents.choices import BREACHING_WITHIN_MAX
from steward.incidents.filters import IncidentFilters
from steward.problems.filters import ProblemFilters
from steward.surveys.filters import SurveyFilters

PACKAGE = Path(steward.__file__).parent
# the modules whose validators read a list's query string (Moment: a filter's date and time)
FILTER_MODULES = [*sorted(PACKAGE.glob("*/filters.py")), PACKAGE / "api" / "http.py"]
SEVERITIES = ", ".join(ALERT_SEVERITIES)


def _raised_types(path: Path) -> list[tuple[int, str | None]]:
    """Each ``PydanticCustomError(type, …)`` of a module: its line and its type (None when
    the type is not a plain string, e.g. an f-string), and each ``raise ValueError``, which
    pydantic prints as "Value error, …" (type None)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PydanticCustomError":
            kind = node.args[0] if node.args else None
            plain = isinstance(kind, ast.Constant) and isinstance(kind.value, str)
            found.append((node.lineno, kind.value if plain else None))
        raised = node.exc if isinstance(node, ast.Raise) else None
        if isinstance(raised, ast.Call) and getattr(raised.func, "id", "") == "ValueError":
            found.append((node.lineno, None))
    return found


@pytest.mark.parametrize("path", FILTER_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_refusal_a_filter_raises_has_a_phrase_for_the_page(path):
    unlisted = [
        f"{path.parent.name}/{path.name}:{line} {kind!r}"
        for line, kind in _raised_types(path)
        if kind not in REFUSALS and kind not in ("single_line", "number_type")
    ]
    # single_line and number_type: body schemas' rules (titles, numbers), not a query's
    assert not unlisted, f"refusals a page prints in English, whatever the reader's: {unlisted}"


def _refused(schema, query: str) -> dict[str, list[str]]:
    if schema is IncidentFilters:
        _, errors = IncidentFilters.from_query(QueryDict(query))
        return {name: [message] for name, message in errors.items()}
    if schema is CIFilters:
        _, errors = parse(CIFilters, QueryDict(query))
        return {name: [message] for name, message in errors.items()}
    return parse_query(schema, QueryDict(query))[1]


# (schema, query, field, the page's English, the page's German)
CASES = {
    "unknown-value": (
        ChangeFilters,
        "risk=huge",
        "risk",
        "unknown value 'huge'",
        "unbekannter Wert 'huge'",
    ),
    "unknown-status": (
        IncidentFilters,
        "status=bogus",
        "status",
        "unknown value 'bogus'",
        "unbekannter Wert 'bogus'",
    ),
    "unknown-role": (
        UserFilters,
        "role=wizard",
        "role",
        "unknown value 'wizard'",
        "unbekannter Wert 'wizard'",
    ),
    "unknown-choice": (
        AlertFilters,
        "severity=fatal",
        "severity",
        f"unknown value 'fatal': one of {SEVERITIES}",
        f"unbekannter Wert 'fatal': erlaubt sind {SEVERITIES}",
    ),
    "one-of": (
        CIFilters,
        "status=gone",
        "status",
        "one of planned, live, maintenance, retired",
        "einer der Werte planned, live, maintenance, retired",
    ),
    "an-id": (AssetFilters, "model=abc", "model", "an id", "eine ID (Zahl)"),
    "priority": (
        ProblemFilters,
        "priority=9",
        "priority",
        "between 1 (critical) and 5 (planning)",
        "zwischen 1 (kritisch) und 5 (Planung)",
    ),
    "minutes": (
        IncidentFilters,
        "breaching_within=999999",
        "breaching_within",
        f"minutes, between 1 and {BREACHING_WITHIN_MAX}",
        f"Minuten, zwischen 1 und {BREACHING_WITHIN_MAX}",
    ),
    "rating": (
        SurveyFilters,
        "rating=7",
        "rating",
        "each rating a whole number from 1 to 5",
        "jede Bewertung eine ganze Zahl von 1 bis 5",
    ),
    "moment": (
        ChangeFilters,
        "planned_after=1767225600",
        "planned_after",
        "a date and time, e.g. 2026-05-01T20:00:00Z",
        "ein Datum mit Uhrzeit, z. B. 2026-05-01T20:00:00Z",
    ),
    "nul": (
        ChangeFilters,
        "q=a%00b",
        "q",
        "may not contain a NUL character",
        "darf kein NUL-Zeichen enthalten",
    ),
}


@pytest.mark.parametrize(("language", "column"), [("en", 3), ("de", 4)])
@pytest.mark.parametrize("case", list(CASES))
def test_a_page_reads_our_own_refusal_in_the_readers_language(case, language, column):
    schema, query, field = CASES[case][:3]

    with translation.override(language):
        refused = _refused(schema, query)

    assert refused == {field: [CASES[case][column]]}
