"""Core write use cases: each asserts the record, its audit rows and outbox rows; each
rejected case asserts that nothing was written."""

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.actor import Actor
from steward.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage, Team, User
from steward.core.services import (
    comment_add,
    team_add_member,
    team_create,
    team_remove_member,
    team_update,
    user_create,
    user_update,
)
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def audit_for(obj):
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def test_team_create_writes_record_audit_and_outbox(admin_actor, agent_user):
    team = team_create(
        admin_actor, name="Network", members=[agent_user.username], lead=agent_user.username
    )

    assert team.slug == "network"
    assert list(team.members.values_list("username", flat=True)) == ["agent1"]
    [entry] = audit_for(team)
    assert entry.action == "create"
    assert entry.actor == admin_actor.user
    assert entry.channel == "web"
    assert entry.changes["name"] == [None, "Network"]
    assert entry.changes["members"] == [None, ["agent1"]]
    assert OutboxMessage.objects.filter(topic="team.created", object_id=str(team.pk)).count() == 1


def test_team_update_audits_field_level_before_and_after(admin_actor):
    team = team_create(admin_actor, name="Network", description="old")

    updated = team_update(
        admin_actor, slug="network", expected_version=1, changes={"description": "LAN and WAN"}
    )

    assert updated.version == 2
    entry = audit_for(team)[-1]
    assert entry.action == "update"
    assert entry.changes == {"description": ["old", "LAN and WAN"]}


def test_update_changing_nothing_writes_no_audit(admin_actor):
    team_create(admin_actor, name="Network", description="same")
    team_update(admin_actor, slug="network", expected_version=1, changes={"description": "same"})
    assert len(audit_for(Team.objects.get(slug="network"))) == 1


def test_stale_version_changes_nothing(admin_actor):
    team = team_create(admin_actor, name="Network", description="before")
    team_update(admin_actor, slug="network", expected_version=1, changes={"description": "v2"})

    with pytest.raises(StaleVersion) as err:
        team_update(
            admin_actor, slug="network", expected_version=1, changes={"description": "lost update"}
        )

    assert err.value.current == 2
    assert Team.objects.get(pk=team.pk).description == "v2"
    assert len(audit_for(team)) == 2


def test_agent_cannot_create_team_and_nothing_is_written(agent_actor):
    with pytest.raises(PermissionDenied):
        team_create(agent_actor, name="Shadow IT")
    assert not Team.objects.exists()
    assert not AuditEntry.objects.filter(object_repr="Shadow IT").exists()


def test_team_lead_manages_members_of_own_team(admin_actor):
    lead, member = factories.agent(), factories.agent()
    team_create(admin_actor, name="Network", lead=lead.username)

    team = team_add_member(as_actor(lead), slug="network", username=member.username)
    assert list(team.members.all()) == [member]
    team = team_remove_member(as_actor(lead), slug="network", username=member.username)
    assert list(team.members.all()) == []
    changes = [e.changes for e in audit_for(team)[1:]]
    assert changes == [{"members": [[], [member.username]]}, {"members": [[member.username], []]}]


def test_adding_a_member_twice_is_idempotent(admin_actor, agent_user):
    team_create(admin_actor, name="Network")
    team_add_member(admin_actor, slug="network", username="agent1")
    team = team_add_member(admin_actor, slug="network", username="agent1")
    assert team.members.count() == 1
    assert len(audit_for(team)) == 2


def test_requester_cannot_be_a_team_member(admin_actor, requester_user):
    team_create(admin_actor, name="Network")
    with pytest.raises(ValidationFailed) as err:
        team_add_member(admin_actor, slug="network", username=requester_user.username)
    assert "username" in err.value.fields


@pytest.mark.parametrize("field", ["lead", "organisation"])
def test_references_to_invisible_rows_look_absent(admin_actor, field):
    """A reference the actor may not see is refused exactly like one that does not exist."""
    org_a, org_b = factories.OrganisationFactory(), factories.OrganisationFactory()
    hidden_agent = factories.agent(organisation=org_b)
    hidden = {"lead": hidden_agent.username, "organisation": org_b.slug}[field]
    # the lead of a team may edit it, but is limited to organisation A
    limited_lead = factories.agent(organisation=org_a)
    limited_lead.served_organisations.set([org_a])
    team = team_create(admin_actor, name="Desk", lead=limited_lead.username)
    messages = []
    for value in (hidden, "does-not-exist"):
        with pytest.raises(ValidationFailed) as err:
            team_update(
                as_actor(limited_lead),
                slug=team.slug,
                expected_version=None,
                changes={field: value},
            )
        messages.append(err.value.fields[field][0].replace(repr(value), "X"))
    assert messages[0] == messages[1]
    assert Team.objects.get(pk=team.pk).version == 1


def test_user_create_by_admin_sets_roles_and_audits(admin_actor):
    user = user_create(
        admin_actor,
        username="new.agent",
        email="n@example.com",
        roles=["agent"],
        password="A-long-enough-passphrase",
    )

    assert user.role_names == {"agent"}
    assert user.check_password("A-long-enough-passphrase")
    [entry] = audit_for(user)
    assert entry.changes["roles"] == [None, ["agent"]]
    assert "password" not in entry.changes


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "tlh"}, "language"),
        ({"roles": ["overlord"]}, "roles"),
        ({"organisation": "nowhere"}, "organisation"),
        ({"password": "123"}, "password"),
    ],
    ids=["email", "time-zone", "language", "role", "organisation", "weak-password"],
)
def test_user_create_rejects_bad_input_naming_the_field(admin_actor, fields, bad):
    with pytest.raises(ValidationFailed) as err:
        user_create(admin_actor, username="x", **fields)
    assert bad in err.value.fields
    assert not User.objects.filter(username="x").exists()


def test_user_edits_own_profile_but_not_roles(requester_actor, requester_user):
    user = user_update(
        requester_actor,
        username="req1",
        expected_version=1,
        changes={"time_zone": "Europe/Berlin", "phone": "+49 30 1234"},
    )
    assert (user.time_zone, user.version) == ("Europe/Berlin", 2)

    with pytest.raises(PermissionDenied) as err:
        user_update(
            requester_actor, username="req1", expected_version=2, changes={"roles": ["admin"]}
        )
    assert "roles" in err.value.fields
    assert User.objects.get(pk=requester_user.pk).role_names == {"requester"}


def test_requester_cannot_see_other_users(requester_actor):
    other = factories.requester()
    with pytest.raises(NotFound):
        user_update(
            requester_actor, username=other.username, expected_version=None, changes={"phone": "1"}
        )


def test_limited_agent_sees_only_served_organisations():
    from steward.core.selectors import user_get

    org_a, org_b = factories.OrganisationFactory(), factories.OrganisationFactory()
    agent = factories.agent()
    agent.served_organisations.set([org_a])
    in_a, in_b = factories.requester(organisation=org_a), factories.requester(organisation=org_b)
    actor = as_actor(agent)
    assert user_get(actor, username=in_a.username) == in_a
    with pytest.raises(NotFound):
        user_get(actor, username=in_b.username)


def test_comment_markdown_is_rendered_and_sanitised(admin_actor):
    team = team_create(admin_actor, name="Network")
    comment = comment_add(
        admin_actor, target=team, body="**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<strong>bold</strong>" in comment.body_html
    assert "<script" not in comment.body_html
    assert "javascript:" not in comment.body_html
    assert OutboxMessage.objects.filter(topic="comment.added").count() == 1


def test_only_agents_write_internal_notes(admin_actor, requester_user):
    team_create(admin_actor, name="Network")
    with pytest.raises(PermissionDenied):
        comment_add(as_actor(requester_user), target="user/req1", body="hi", internal=True)
    public = comment_add(as_actor(requester_user), target="user/req1", body="hi")
    assert public.internal is False


def test_system_actor_is_audited_with_its_name():
    user = user_create(Actor.system("import"), username="imported")
    [entry] = audit_for(user)
    assert (entry.actor_label, entry.channel, entry.actor) == ("system:import", "system", None)
