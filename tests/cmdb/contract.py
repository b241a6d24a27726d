"""The CMDB API in the contract registry: how to make a CI, a relationship, a class and a
relationship type an owner may see, and how each list filter selects one record and not
another. ``tests/contract/registry.py`` imports these into ``RESOURCES`` (and ``make_ci``
for the records that refer to CIs); the contract tests run them from there.
"""

from __future__ import annotations

from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.services import (
    ci_class_create,
    ci_create,
    relationship_create,
    relationship_type_create,
)
from steward.core.actor import Actor
from steward.core.models import User
from tests import factories
from tests.contract.registry import AGENTS_READ, ORG_SCOPED, Resource, _org_of, _set, new_tag


def make_ci(owner: User | None, tag: str) -> ConfigurationItem:
    """A server of the owner's organisation (of none for an unrestricted owner)."""
    org = _org_of(owner) if owner is not None else None
    return ci_create(
        Actor.system("contract"),
        name=f"srv-{tag}",
        ci_class="server",
        organisation=org.slug if org else None,
        attributes={"fqdn": f"srv-{tag}.example.com", "os": "linux"},
    )


def _ci_other_retired(match: ConfigurationItem, other: ConfigurationItem) -> str:
    _set(other, status="retired")
    return "live"


def _ci_match_in_test(match: ConfigurationItem, other: ConfigurationItem) -> str:
    _set(match, environment="test")
    return "test"


def _ci_owned(match: ConfigurationItem, other: ConfigurationItem) -> str:
    team = factories.TeamFactory(name=f"CI team {new_tag()}")
    _set(match, owner_team=team)
    return team.slug


def _ci_match_is_a_database(match: ConfigurationItem, other: ConfigurationItem) -> str:
    ci_class = type(match.ci_class).objects.get(slug="database")
    _set(match, ci_class=ci_class, attributes={})
    return "database"


CIS = Resource(
    name="cis",
    collection="/api/v1/cis",
    model=ConfigurationItem,
    key="number",
    make=make_ci,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    writer="admin",  # administrators and asset managers (a role the world's agents lack)
    create_payload=lambda tag: {
        "name": f"web-{tag}",
        "ci_class": "server",
        "attributes": {"fqdn": f"web-{tag}.example.com", "cpu_count": 4},
    },
    patch_payload=lambda tag: {"description": f"patched {tag}", "criticality": 2},
    absent_key="CI9999999",
    filters={
        "q": lambda match, other: match.name,
        "class": _ci_match_is_a_database,
        "status": _ci_other_retired,
        "environment": _ci_match_in_test,
        "owner_team": _ci_owned,
    },
)


def make_relationship(owner: User | None, tag: str) -> Relationship:
    """``app depends_on db``, both of the owner's organisation."""
    return relationship_create(
        Actor.system("contract"),
        source=make_ci(owner, f"{tag}a").number,
        target=make_ci(owner, f"{tag}b").number,
        type="depends_on",
    )


def _relationship_at(match: Relationship, other: Relationship) -> str:
    return match.target.number


def _relationship_runs_on(match: Relationship, other: Relationship) -> str:
    _set(match, type=type(match.type).objects.get(slug="runs_on"))
    return "runs_on"


RELATIONSHIPS = Resource(
    name="relationships",
    collection="/api/v1/relationships",
    model=Relationship,
    key="id",
    make=make_relationship,
    visible=ORG_SCOPED,  # visible when both ends are
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "source": make_ci(None, f"{tag}s").number,
        "target": make_ci(None, f"{tag}t").number,
        "type": "runs_on",
    },
    delete=True,
    versioned=False,
    absent_key="987654321",
    filters={"ci": _relationship_at, "type": _relationship_runs_on},
)

# classes and relationship types: configuration every agent reads


def make_ci_class(owner: User | None, tag: str) -> CIClass:
    return ci_class_create(
        Actor.system("contract"),
        name=f"Class {tag}",
        slug=f"cls-{tag}",
        attributes=[{"name": "rack", "type": "string"}],
    )


CI_CLASSES = Resource(
    name="ci-classes",
    collection="/api/v1/ci-classes",
    model=CIClass,
    key="slug",
    make=make_ci_class,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "name": f"New class {tag}",
        "slug": f"new-cls-{tag}",
        "parent": "server",
        # as the class answers it: every key of an attribute spelled out
        "attributes": [
            {
                "name": "slot",
                "type": "integer",
                "required": False,
                "choices": None,
                "reference_class": None,
                "label": "Slot",
            }
        ],
    },
    patch_payload=lambda tag: {"description": f"patched {tag}"},
    filters={"q": lambda match, other: match.name},
)


def make_relationship_type(owner: User | None, tag: str) -> RelationshipType:
    return relationship_type_create(
        Actor.system("contract"), slug=f"rt-{tag}", name=f"Type {tag}", inverse_name=f"Inv {tag}"
    )


RELATIONSHIP_TYPES = Resource(
    name="relationship-types",
    collection="/api/v1/relationship-types",
    model=RelationshipType,
    key="slug",
    make=make_relationship_type,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "slug": f"new-rt-{tag}",
        "name": f"New type {tag}",
        "inverse_name": f"New inverse {tag}",
    },
    versioned=False,
)
