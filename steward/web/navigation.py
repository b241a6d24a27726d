"""The modules in the navigation; a module is greyed until its app is built."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise  # translated when shown (the reader's language)
    url_name: str | None  # None: not built yet, shown greyed
    agents_only: bool = True
    requesters_only: bool = False  # the requester's own view of an agents' module
    admins_only: bool = False  # configuration: administrators only (the pages refuse others)
    # the views that light this entry, when its app has several entries (names or prefixes)
    lights: tuple[str, ...] = ()
    asset_managers_only: bool = False  # asset managers and administrators

    def shown_to(
        self, *, is_agent: bool, is_admin: bool = False, is_asset_manager: bool = False
    ) -> bool:
        return (
            not (self.agents_only and not is_agent)
            and not (self.requesters_only and is_agent)
            and not (self.admins_only and not is_admin)
            and not (self.asset_managers_only and not (is_admin or is_asset_manager))
        )


MODULES: tuple[Module, ...] = (
    Module("home", _("Overview"), "web:home", agents_only=False),
    Module("incidents", _("Incidents"), "incidents:list"),
    # a requester's queue is her own incidents, newest first (incidents.views.queue)
    Module(
        "my_incidents", _("My incidents"), "incidents:list", agents_only=False, requesters_only=True
    ),
    Module("problems", _("Problems"), "problems:list"),
    Module("changes", _("Changes"), "changes:list"),
    Module(
        "catalog",
        _("Service catalogue"),
        "catalog:catalogue",
        agents_only=False,
        lights=("catalog:catalogue", "catalog:new"),
    ),
    Module(
        "my_requests",
        _("My requests"),
        "catalog:list",
        agents_only=False,
        lights=("catalog:list", "catalog:detail"),
    ),
    Module(
        "approvals",
        _("Approvals"),
        "catalog:approvals",
        agents_only=False,
        lights=("catalog:approvals",),
    ),
    Module("fulfilment", _("Fulfilment tasks"), "catalog:task_list", lights=("catalog:task_",)),
    Module("knowledge", _("Knowledge"), "knowledge:list"),
    # the requester's door to help: search articles, report a problem (steward.portal)
    Module("portal", _("Help centre"), "portal:home", agents_only=False, requesters_only=True),
    Module("cmdb", _("CMDB"), "cmdb:list"),
    # asset managers and administrators only (the pages answer 404 to everyone else)
    Module("assets", _("Assets"), "assets:list", asset_managers_only=True),
    Module("software", _("Software"), "software:list"),
    Module("sla", _("SLA"), "sla:list"),
    Module("events", _("Events"), "events:list"),
    # agents read the rules (why an incident went where it went); administrators write them
    Module("automation", _("Automation"), "automation:list"),
    Module("reports", _("Reports"), "reports:list"),
    # the requesters' ratings of resolved records, agents' reading (decision 0109)
    Module("surveys", _("Surveys"), "surveys:list", lights=("surveys:list", "surveys:detail")),
    Module("teams", _("Teams"), "core:team_list"),
    Module("administration", _("Administration"), "core:administration", admins_only=True),
)


# Configuration pages of other apps that the Administration entry lights (their module does
# not: an administrator editing categories is not working incidents).
ADMIN_PAGES = (
    "core:administration",
    "core:user_",
    "incidents:category_",
    "incidents:priority_matrix",
    "incidents:escalation_",
    "incidents:team_assignment",
    "changes:template_",
    "changes:delegation_",
    "mailboxes:",
    "catalog:admin",
    "catalog:item_",
    "catalog:service_",
    "surveys:settings",
)
