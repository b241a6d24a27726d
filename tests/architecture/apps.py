"""The domain apps and what each is excused from in the app template (docs/decisions/0008)."""

from __future__ import annotations

from pathlib import Path

STEWARD = Path(__file__).resolve().parents[2] / "steward"

# Every domain app. A new app is added here the day it is created; the template test then
# holds it to the same rooms as the others.
DOMAIN_APPS = (
    "incidents",
    "problems",
    "changes",
    "cmdb",
    "sla",
    "mailboxes",
    "catalog",
    "assets",
    "software",
    "knowledge",
    "portal",
    "events",
    "automation",
    "surveys",
    "reports",
)

# Rooms every domain app has. A name stands for `name.py` or a package `name/`, except where
# PACKAGES says it must be a package (one module per sub-domain).
REQUIRED = (
    "models",
    "choices",
    "workflow",
    "services",
    "selectors",
    "filters",
    "schemas",
    "api",
    "forms",
    "views",
    "urls",
    "admin",
    "demo",
    "tasks",
)
PACKAGES = ("services", "selectors", "views")
ALWAYS = ("__init__", "apps", "migrations")
OPTIONAL = ("notifications", "static", "templatetags", "management", "templates")

# Sub-domains big enough to be their own package, by app.
SUB_DOMAINS: dict[str, set[str]] = {"cmdb": {"imports"}}

# Rooms an app does not have yet, each with the reason; a stale excuse fails the test.
# The portal is web only: a simpler face on the knowledge and incident apps' records (and the
# catalogue's at merge), so it has their pages but none of the domain rooms (docs/portal.md).
_WEB_ONLY = "web only: it reads and writes through the knowledge and incident apps"
# Reports only read the other apps' records: figures aggregated in SQL (docs/decisions/0096).
_READ_ONLY = "reports only read other apps' records (docs/reports.md)"
EXCUSED: dict[str, dict[str, str]] = {
    "reports": {
        **dict.fromkeys(("models", "services", "admin", "demo", "tasks"), _READ_ONLY),
        "workflow": "a report has no lifecycle: it is read, never changed",
        "forms": "the filter form is the shared ReportFilters schema (filters.py)",
    },
    "sla": {
        "workflow": "a clock's states are driven by the records it times, not by people",
    },
    "software": {
        "workflow": "products, licences and installations have no lifecycle of their own: a "
        "licence counts by its dates, an installation by its device's status",
    },
    "portal": dict.fromkeys(
        (
            "models",
            "choices",
            "workflow",
            "services",
            "selectors",
            "filters",
            "schemas",
            "api",
            "admin",
            "demo",
            "tasks",
        ),
        _WEB_ONLY,
    ),
}

# URL names are snake_case and every app with pages has these.
URL_NAME = r"^[a-z][a-z0-9_]*$"
URL_NAMES_EVERY_APP = ("list", "detail")

MAX_LINES = 400
