"""Meta-tests: the registry keeps up with the API, so nothing new escapes the contract."""

from __future__ import annotations

from tests.contract import openapi
from tests.contract.registry import EXCUSED_COLLECTIONS, EXCUSED_UNPAGED_LISTS, RESOURCES

PAGING = {"cursor", "limit"}
# collection operations and item operations, by HTTP method
COLLECTION_OPS = {"get": "list", "post": "create"}
ITEM_OPS = {"get": "get", "patch": "patch", "delete": "delete"}


def _collections() -> set[str]:
    """Paths without parameters that list records (a page or a bare list) or create them."""
    return {
        op.path
        for op in openapi.operations()
        if not op.path_params
        and (
            (op.method == "get" and (openapi.returns_page(op) or openapi.returns_bare_list(op)))
            or op.method == "post"
        )
    }


def test_every_collection_is_registered_or_excused():
    registered = {r.collection for r in RESOURCES}
    collections = _collections()

    assert len(collections) >= 5, collections  # the document was read, not empty
    assert collections - registered - set(EXCUSED_COLLECTIONS) == set()
    assert set(EXCUSED_COLLECTIONS) - collections == set(), "stale excuse"
    assert registered & set(EXCUSED_COLLECTIONS) == set(), "registered and excused"


def test_each_resource_declares_exactly_the_operations_the_api_has():
    problems = []
    for resource in RESOURCES:
        found = set()
        for op in openapi.operations():
            if op.path == resource.collection:
                found.add(COLLECTION_OPS.get(op.method, f"{op.method} collection"))
            elif op.path.startswith(resource.collection + "/{") and len(op.path_params) == 1:
                rest = op.path.removeprefix(resource.collection + "/")
                if rest == f"{{{op.path_params[0]}}}":
                    found.add(ITEM_OPS.get(op.method, f"{op.method} item"))
        if found != set(resource.ops):
            problems.append((resource.name, sorted(found), sorted(resource.ops)))

    assert not problems, problems


def test_every_list_filter_is_tested_or_excused():
    problems = []
    for resource in RESOURCES:
        (listing,) = [
            op
            for op in openapi.operations()
            if op.method == "get" and op.path == resource.collection
        ]
        params = set(listing.query_params) - PAGING
        covered = set(resource.filters) | set(resource.excused_filters)
        if params != covered:
            problems.append(
                (resource.name, {"untested": params - covered, "stale": covered - params})
            )

    assert not problems, problems


def test_resource_names_and_collections_are_unique():
    names = [r.name for r in RESOURCES]
    collections = [r.collection for r in RESOURCES]

    assert len(set(names)) == len(names)
    assert len(set(collections)) == len(collections)


def test_lists_are_pages_unless_excused():
    """DESIGN §6: a list answers ``{"items": [...], "next": ...}``, not a bare array."""
    bare = {str(op) for op in openapi.operations() if openapi.returns_bare_list(op)}

    assert bare - set(EXCUSED_UNPAGED_LISTS) == set()
    assert set(EXCUSED_UNPAGED_LISTS) - bare == set(), "stale excuse"
