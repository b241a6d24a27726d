"""Demo problems: about twenty in every state, linked to demo incidents of their category;
the published known errors match open demo incidents, so agents see their workarounds."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.incidents import selectors as incident_selectors
from steward.problems.models import Problem
from steward.problems.services import problem_create, problem_link_incident, problem_update

WORKAROUND = "workaround"
ROOT = "root_cause"
# (title, category, team, final status, service name or "", CI class for the CI or "")
PROBLEMS = [
    ("VPN tunnel drops after 10 minutes idle", "network-vpn", "network", "known_error", "", ""),
    ("Wi-Fi roaming fails between floors", "network-wi-fi", "network", "known_error", "", ""),
    ("Printer driver crashes the spooler", "hardware-printer", "workplace", "known_error", "", ""),
    (
        "ERP invoice batch times out",
        "software-business-application",
        "applications",
        "known_error",
        "Online shop",
        "",
    ),
    ("Outbound mail queue stalls", "email-delivery", "server-storage", "known_error", "", ""),
    (
        "Month-end reports exhaust the database",
        "database-performance",
        "database",
        "known_error",
        "Data warehouse",
        "database",
    ),
    (
        "Laptops fail to boot after firmware update",
        "hardware-laptop",
        "workplace",
        "investigating",
        "",
        "",
    ),
    (
        "Password expiry mails not delivered",
        "access-password-reset",
        "service-desk",
        "investigating",
        "",
        "",
    ),
    ("Phishing mails pass the filter", "security-phishing", "security", "investigating", "", ""),
    (
        "CRM slow every Monday morning",
        "software-business-application",
        "applications",
        "investigating",
        "",
        "",
    ),
    (
        "Deadlocks in the order database",
        "database-performance",
        "database",
        "new",
        "Online shop",
        "database",
    ),
    ("VPN client certificate renewal fails", "network-vpn", "network", "new", "", ""),
    (
        "Shared mailboxes lag behind",
        "email-delivery",
        "server-storage",
        "new",
        "Email and calendar",
        "",
    ),
    ("Floor 3 access points reboot", "network-wi-fi", "network", "resolved", "", ""),
    ("Laptop batteries swell on one model", "hardware-laptop", "workplace", "resolved", "", ""),
    (
        "Expenses app returns error 500",
        "software-business-application",
        "applications",
        "closed",
        "",
        "",
    ),
    ("Printer jams on recycled paper", "hardware-printer", "workplace", "closed", "", ""),
    ("Accounts lock after holiday", "access-password-reset", "service-desk", "closed", "", ""),
    ("Duplicate of the VPN idle problem", "network-vpn", "network", "cancelled", "", ""),
    (
        "Suspected mail loop (not reproducible)",
        "email-delivery",
        "server-storage",
        "cancelled",
        "",
        "",
    ),
]
PATHS = {
    "new": [],
    "investigating": ["investigating"],
    "known_error": ["investigating", "known_error"],
    "resolved": ["investigating", "known_error", "resolved"],
    "closed": ["investigating", "resolved", "closed"],
    "cancelled": ["cancelled"],
}


def _ci_number(system: Actor, *, name: str = "", ci_class: str = "") -> str | None:
    qs = cmdb_selectors.ci_visible(system)
    ci = qs.filter(name=name).first() if name else qs.filter(ci_class__slug=ci_class).first()
    return ci.number if ci else None


def load(rng: random.Random) -> int:
    """Make the demo problems once (nothing when problems exist); returns how many."""
    if Problem.objects.exists():
        return 0
    system = Actor.system("demo")
    visible = incident_selectors.incident_visible(system)
    teams = set(core_selectors.team_visible(system).values_list("slug", flat=True))
    made = 0
    for title, category, team, final, service, ci_class in PROBLEMS:
        fields = {"category": category, "impact": rng.choice([1, 2, 2, 3])}
        fields["urgency"] = rng.choice([1, 2, 3])
        if service:
            fields["affected_service"] = _ci_number(system, name=service)
        if ci_class:
            fields["configuration_item"] = _ci_number(system, ci_class=ci_class)
        problem = problem_create(
            system,
            title=title,
            description=f"Several incidents point at the same cause: {title.lower()}.",
            team=team if team in teams else None,
            **{k: v for k, v in fields.items() if v},
        )
        # link a few incidents of the category; leave open ones unlinked so the known
        # error is suggested on them
        numbers = list(
            visible.filter(subcategory__slug=category)
            .order_by("status", "-opened_at")
            .values_list("number", "status")[:40]
        )
        closed = [n for n, s in numbers if s in ("resolved", "closed")]
        open_ = [n for n, s in numbers if s not in ("resolved", "closed", "cancelled")]
        for number in rng.sample(closed, min(len(closed), rng.randint(2, 5))) + open_[:1]:
            problem_link_incident(system, number=problem.number, incident=number)
        for step in PATHS[final]:
            changes: dict = {"status": step}
            if step == "known_error":
                changes[WORKAROUND] = (
                    f"Until the fix is in: restart the affected component and retry; "
                    f"see {problem.number} for details."
                )
            if step == "resolved":
                changes[ROOT] = "A configuration default changed in the last vendor update."
                changes["resolution_notes"] = "Configuration corrected and rolled out."
            problem_update(system, number=problem.number, expected_version=None, changes=changes)
        # demo history: problems were raised over the last months, not all this minute
        Problem.objects.filter(pk=problem.pk).update(
            created_at=timezone.now()
            - dt.timedelta(days=rng.randint(3, 120), hours=rng.randint(0, 23))
        )
        made += 1
    return made
