"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from steward.web.navigation import MODULES


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    current = request.resolver_match.url_name if request.resolver_match else ""
    items = []
    for module in MODULES:
        if module.agents_only and not user.is_agent:
            continue
        url = reverse(module.url_name) if module.url_name else None
        items.append(
            {
                "label": module.label,
                "url": url,
                "enabled": url is not None,
                "active": bool(module.url_name)
                and module.url_name.endswith(f":{current}")
                or (module.key == "teams" and current.startswith("team")),
            }
        )
    return {"nav_modules": items}
