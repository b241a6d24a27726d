"""The ninja API object: auth, error handling, and every app's router under /api/v1."""

from __future__ import annotations

import copy
import threading
from typing import Any

from ninja import NinjaAPI, Swagger

from steward import __version__
from steward.api import errors
from steward.api.auth import AUTH
from steward.api.openapi import declare_errors
from steward.api.parser import OneValueParser


class StewardAPI(NinjaAPI):
    """ninja's API with the error responses declared in the OpenAPI document."""

    _documents: dict[str, Any]
    _documents_lock = threading.Lock()

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The document, built once per process and prefix: every route is registered at
        import, so it never changes, and building it walks every operation's schemas (about
        a second each time /api/openapi.json was asked for). Each caller gets its own copy,
        free to edit."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        documents = self.__dict__.setdefault("_documents", {})
        with self._documents_lock:
            if path_prefix not in documents:
                built = super().get_openapi_schema(path_prefix=path_prefix)
                documents[path_prefix] = declare_errors(built)
        return copy.deepcopy(documents[path_prefix])


api = StewardAPI(
    title="Steward API",
    version=__version__,
    description="IT service management. Conventions: docs/api.md.",
    urls_namespace="api",
    auth=AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    # the tags folded: the document has some 300 operations, and drawing every one at
    # once took the browser seconds (over 10 under CI's load); a reader opens a tag
    docs=Swagger(settings={"docExpansion": "none"}),
    parser=OneValueParser(),
)
errors.install(api)


def _register() -> None:
    from steward.assets import api as assets_api
    from steward.automation import api as automation_api
    from steward.catalog import api as catalog_api
    from steward.changes import api as changes_api
    from steward.cmdb import api as cmdb_api
    from steward.core import api as core_api
    from steward.events import api as events_api
    from steward.incidents import api as incidents_api
    from steward.knowledge import api as knowledge_api
    from steward.mailboxes import api as mailboxes_api
    from steward.problems import api as problems_api
    from steward.reports import api as reports_api
    from steward.sla import api as sla_api
    from steward.software import api as software_api
    from steward.surveys import api as surveys_api

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
        events_api,
        automation_api,
        surveys_api,
        reports_api,
    )
    for module in modules:
        for prefix, router in module.ROUTERS:
            api.add_router(f"/v1/{prefix}", router)


_register()
