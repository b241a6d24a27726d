"""The ninja API object: auth, error handling, and every app's router under /api/v1."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from steward import __version__
from steward.api import errors
from steward.api.auth import AUTH
from steward.api.openapi import declare_errors


class StewardAPI(NinjaAPI):
    """ninja's API with the error responses declared in the OpenAPI document."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return declare_errors(super().get_openapi_schema(**kwargs))


api = StewardAPI(
    title="Steward API",
    version=__version__,
    description="IT service management. Conventions: docs/api.md.",
    urls_namespace="api",
    auth=AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)


def _register() -> None:
    from steward.assets import api as assets_api
    from steward.catalog import api as catalog_api
    from steward.changes import api as changes_api
    from steward.cmdb import api as cmdb_api
    from steward.core import api as core_api
    from steward.incidents import api as incidents_api
    from steward.knowledge import api as knowledge_api
    from steward.mailboxes import api as mailboxes_api
    from steward.problems import api as problems_api
    from steward.sla import api as sla_api
    from steward.software import api as software_api

    modules = (
        core_api,
        incidents_api,
        sla_api,
        cmdb_api,
        problems_api,
        changes_api,
        mailboxes_api,
        catalog_api,
        assets_api,
        software_api,
        knowledge_api,
    )
    for module in modules:
        for prefix, router in module.ROUTERS:
            api.add_router(f"/v1/{prefix}", router)


_register()
