"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from steward.web.links import link
from steward.web.navigation import ADMIN_PAGES, MODULES, Module


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    view = request.resolver_match.view_name if request.resolver_match else ""
    actor = getattr(request, "actor", None)
    is_admin = actor is not None and actor.is_admin
    items = []
    shown = []  # what the navigation draws, as {% kept %}'s key (base.html; decision 0075)
    for module in MODULES:
        # roles are read once per user (cached), and only when a module asks
        managing = module.asset_managers_only and not is_admin and user.has_role("asset_manager")
        if not module.shown_to(
            is_agent=user.is_agent, is_admin=is_admin, is_asset_manager=managing
        ):
            continue
        url = link(module.url_name) if module.url_name else None
        active = _active(module, view)
        items.append(
            {
                "label": module.label,
                "url": url,
                "enabled": url is not None,
                "active": active,
            }
        )
        shown.append((module.key, url, active))  # the label is the module's, in the language
    return {"nav_modules": items, "nav_key": tuple(shown), "shell_urls": _shell_urls()}


def _shell_urls() -> dict[str, str]:
    """The top bar's own addresses (base.html), the same on every page."""
    return {
        "home": link("web:home"),
        "profile": link("core:profile"),
        "admin": link("admin:index"),
        "logout": link("web:logout"),
    }


def _active(module: Module, view: str) -> bool:
    """A module is lit on every page of its app (its URL namespace); the shell's pages
    (``web``) and core's people pages (``core``: teams, profile) share a namespace each, so
    there only the module's page (and, for teams, its sub-pages) counts. Configuration pages
    (``ADMIN_PAGES``) light Administration, whichever app they are in."""
    if not module.url_name:
        return False
    if view.startswith(ADMIN_PAGES):
        return module.key == "administration"
    if module.lights:
        return view.startswith(module.lights)
    namespace = module.url_name.split(":")[0]
    if namespace not in ("web", "core"):
        return view.startswith(f"{namespace}:")
    return view == module.url_name or (module.key == "teams" and view.startswith("core:team"))
