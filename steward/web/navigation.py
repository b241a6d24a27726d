"""The modules in the navigation; a module is greyed until its app is built."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    url_name: str | None  # None: not built yet, shown greyed
    agents_only: bool = True


MODULES: tuple[Module, ...] = (
    Module("home", "Overview", "web:home", agents_only=False),
    Module("incidents", "Incidents", "incidents:queue"),
    Module("problems", "Problems", "problems:problem_list"),
    Module("changes", "Changes", "changes:list"),
    Module("catalog", "Service catalogue", None, agents_only=False),
    Module("knowledge", "Knowledge", None, agents_only=False),
    Module("cmdb", "CMDB", "cmdb:ci_list"),
    Module("assets", "Assets", None),
    Module("sla", "SLAs", None),
    Module("events", "Events", None),
    Module("automation", "Automation", None),
    Module("reports", "Reports", None),
    Module("teams", "Teams", "web:team_list"),
)
