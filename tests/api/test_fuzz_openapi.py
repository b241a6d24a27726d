"""schemathesis over every operation of the OpenAPI document, as an administrator.

Every built-in check is on: no 5xx, each status code, header and body as the document
declares, schema-violating input refused, the token honoured. One allowance: data the
schema calls valid may get a 422 naming a field, for the rules a JSON schema cannot state
(a reference to a record that does not exist, an opaque ``cursor``, ``planned_before``
after ``planned_after``, an end in the past, a title of spaces, an empty upload).

One kind of generated case is left out: a JSON object or array as the value of a query
parameter that takes one value (``?active_at={}``). A query string cannot carry it: the
WSGI transport writes ``[]``, ``{}`` or ``['']`` as nothing (``?active_at=``, the blank,
which the document admits) and others as Python's text of them (``[['null']]``, a valid
string), so the server receives a valid request and schemathesis, judging by the value it
generated rather than the one sent, reports "schema-violating request accepted". Scalars
of the wrong type (a number for a date, text for an integer) are still generated and must
be refused.

The number of examples per operation is small here (a quick run in every test run);
``make security`` raises it with ``STEWARD_FUZZ_EXAMPLES``.

Each operation's hypothesis test (its coverage cases above all) is built when that test runs,
not when pytest collects it (``_built_when_run``): every pytest-xdist worker collects all
182 operations but runs about a quarter of them, and the build was 9 s of each worker's
collection (decision 0066).
"""

from __future__ import annotations

import inspect
import os

import pytest

try:
    import schemathesis
    import schemathesis.pytest._test_builder as test_builder
    from hypothesis import HealthCheck, Phase, settings
    from schemathesis.config import SchemathesisConfig
    from schemathesis.core.marks import METADATA_ATTR
except ImportError:  # pragma: no cover - schemathesis is a dev dependency
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise
    pytest.skip("schemathesis is not installed (pip install -e '.[dev]')", allow_module_level=True)

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from steward.api.main import api
from steward.core.services import token_create
from tests import factories
from tests.conftest import as_actor

_build_operation_test = test_builder.build_operation_test


def _built_when_run(**build):
    """What schemathesis's pytest plugin collects for one operation: a function that builds
    the operation's hypothesis test (``build_operation_test``, with the same arguments) on
    its first call and runs it. The plugin reads its marks (the operation, why no case could
    be drawn) from the collected function when the test raises: they are copied onto it once
    built. schemathesis is pinned (pyproject.toml): this follows its 4.32 plugin."""
    built = []

    def run(*args, **fixtures):
        __tracebackhide__ = True
        if not built:
            built.append(_build_operation_test(**build))
            setattr(run, METADATA_ATTR, getattr(built[0], METADATA_ATTR))
        return built[0](*args, **fixtures)

    # the signature pytest reads for fixtures: hypothesis draws ``case``, pytest gives the rest
    drawn = {"case", *build["given_kwargs"]}
    test = inspect.signature(build["test_func"])
    run.__signature__ = test.replace(
        parameters=[p for name, p in test.parameters.items() if name not in drawn]
    )
    run.__name__ = build["test_func"].__name__
    return run


# the plugin imports it from this module when it collects (schemathesis/pytest/plugin.py)
test_builder.build_operation_test = _built_when_run

EXAMPLES = int(os.environ.get("STEWARD_FUZZ_EXAMPLES", "8"))

# schemathesis's default for schema-valid data, plus 422 (see above); 5xx is its own check
VALID_DATA_ANSWERS = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429"]
# schemathesis's default for schema-violating data, plus 413: a body over the 1 MB cap is
# refused whole, naming ``body`` ("too large"), before any field is read. A ``maxLength``
# violation written as JSON escapes (12 bytes a character) crosses the cap: a refusal, not
# an acceptance (found when a generated article body did so, 2026-12-06).
INVALID_DATA_ANSWERS = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]  # fmt: skip
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": VALID_DATA_ANSWERS},
            "negative_data_rejection": {"expected-statuses": INVALID_DATA_ANSWERS},
        }
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def requests_keep_the_test_connection():
    """The real WSGI handler closes the database connection at the end of each request.

    Inside a test's transaction that close ends the transaction: on PostgreSQL every later
    query fails with "the connection is closed" (SQLite's in-memory test database ignores
    the close). Django's own test client unhooks the same two signals around its requests.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, settings, requests_keep_the_test_connection):  # noqa: F811
    settings.ALLOWED_HOSTS = ["*"]
    admin = factories.admin(username="fuzz-admin")
    _, raw = token_create(as_actor(admin), user=admin, name="fuzz", scopes=["read", "write"])
    return raw


def filter_query(ctx, query):
    """Keep the cases a query string can carry (see the module's docstring)."""
    if not query:
        return True
    single = {
        p["name"]
        for p in ctx.operation.definition.raw.get("parameters", [])
        if p.get("in") == "query" and p.get("schema", {}).get("type") != "array"
    }
    return not any(isinstance(query.get(name), (list, dict)) for name in single)


@schema.hooks.apply(filter_query)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_operation_conforms_to_the_document(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"})
