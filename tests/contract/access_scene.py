"""The world the access walk runs in: B's records in organisation B, every value carrying
the marker "mkb", the walkers who may see none of it, and records the walkers may see that
point at B's (the bridges: a free-text field or a link that could name B's record)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.utils import timezone

from steward.automation import services as automation_services
from steward.catalog import services as catalog_services
from steward.catalog.models import Request as CatalogRequest
from steward.changes import services as change_services
from steward.changes.models import ApprovalDecision, Change, Delegation, FreezeWindow
from steward.cmdb import services as cmdb_services
from steward.core import services
from steward.core.actor import Actor
from steward.core.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Comment,
    Department,
    Location,
    OutboxMessage,
    Team,
    User,
)
from steward.events import services as event_services
from steward.events.models import Alert, MaintenanceWindow
from steward.incidents import services as incident_services
from steward.incidents.models import Incident, SavedView, TeamAssignment
from steward.mailboxes import services as mail_services
from steward.problems import services as problem_services
from steward.problems.models import Problem, ProblemIncident
from steward.sla.models import SlaPolicy
from steward.sla.services import calendar_create, policy_create
from steward.software import services as software_services
from steward.surveys import services as survey_services
from tests import factories
from tests.contract.access_bridges import Walker, build_bridges, walkers
from tests.contract.conftest import limited_agent

# Everything of B's carries this marker, so a leak of any field is caught, listed or not.
MARKER = "mkb"
RANDOM_TOKEN = re.compile(r"[A-Za-z0-9]{32,}")


@dataclass
class Scene:
    """A and B, B's marked records, and how to name them in a request."""

    a: User
    b: User
    team: Team
    token: ApiToken
    attachment: Attachment
    incident: Incident
    policy: SlaPolicy
    secrets: list[str]  # B's values that cannot carry the marker (raw token, digests)
    # path parameter → B's value: "name" anywhere, "segment/name" only after that segment
    path_values: dict[str, str]
    query_values: dict[str, str]
    body_values: dict[str, Any]  # required body fields, by name
    body_refs: dict[str, Any]  # optional body fields naming B's records, by name
    admin_objects: dict[str, models.Model]
    change: Change | None = None
    freeze: FreezeWindow | None = None
    walkers: dict[str, Walker] = field(default_factory=dict)
    # B's record numbers: unmarked, so looked for one by one (a bridge could show them)
    numbers: list[str] = field(default_factory=list)
    # A-visible records linking B's (tests/contract/access_bridges.py): a list filtered by
    # B's values must not hold them, or the filter tells the walker what they link
    witnesses: list[str] = field(default_factory=list)

    def path_value(self, before: str, name: str) -> str | None:
        """B's value for parameter ``name``, which follows ``before`` in a path or route."""
        segments = [s for s in before.split("/") if s and not s.startswith(("{", "<", "("))]
        if segments and f"{segments[-1]}/{name}" in self.path_values:
            return self.path_values[f"{segments[-1]}/{name}"]
        return self.path_values.get(name)

    def fingerprint(self) -> dict[str, Any]:
        """B's records as stored, to prove the walk changed nothing of B's."""
        records = [self.b, self.team, self.token, self.attachment, self.incident, self.policy]
        rows = {
            type(obj).__name__: type(obj).objects.filter(pk=obj.pk).values().get()
            for obj in records
        }
        rows["User"].pop("last_login")
        rows["ApiToken"].pop("last_used_at")
        on_b = Q()
        for obj in (self.b, self.team, self.incident):
            on_b |= Q(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        rows["team members"] = sorted(self.team.members.values_list("username", flat=True))
        rows["comments"] = list(Comment.objects.filter(on_b).values_list("id", "body"))
        rows["attachments"] = list(Attachment.objects.filter(on_b).values_list("id", "filename"))
        rows["saved views"] = list(SavedView.objects.filter(user=self.b).values())
        rows["alerts"] = list(Alert.objects.filter(organisation__slug="mkb-org").values())
        rows["maintenance windows"] = list(
            MaintenanceWindow.objects.filter(name="mkb-window").values()
        )
        if self.change is not None:
            rows["change"] = Change.objects.filter(pk=self.change.pk).values().get()
            rows["change freeze"] = FreezeWindow.objects.filter(pk=self.freeze.pk).values().get()
            rows["change decisions"] = list(ApprovalDecision.objects.values_list("id"))
            rows["change delegations"] = list(Delegation.objects.filter(user=self.b).values())
            on_change = Q(content_type=ContentType.objects.get_for_model(Change))
            rows["change comments"] = list(
                Comment.objects.filter(on_change, object_id=str(self.change.pk)).values_list("id")
            )
        b_requests = CatalogRequest.objects.filter(organisation=self.b.organisation)
        rows["catalog requests"] = list(b_requests.order_by("id").values())
        rows["catalog approvals"] = list(
            b_requests.values_list("approvals__id", "approvals__decision", "approvals__comment")
        )
        on_requests = Q(
            content_type=ContentType.objects.get_for_model(CatalogRequest),
            object_id__in=[str(pk) for pk in b_requests.values_list("pk", flat=True)],
        )
        rows["catalog request files"] = list(
            Attachment.objects.filter(on_requests).values_list("id", "filename")
        )
        rows["catalog tasks"] = list(
            b_requests.values_list(
                "tasks__id", "tasks__status", "tasks__assignee", "tasks__version"
            )
        )
        b_problems = Problem.objects.filter(organisation=self.b.organisation)
        rows["problems"] = list(b_problems.order_by("id").values())
        rows["problem links"] = sorted(
            ProblemIncident.objects.filter(problem__in=b_problems).values_list(
                "problem_id", "incident_id"
            )
        )
        return rows

    def leaked(self, content: bytes, allowed: Iterable[str] = ()) -> list[str]:
        """B's data in ``content``, once ``allowed`` is taken out: what the request sent
        (a search box shows its query) and what the walker may see as theirs too."""
        text = content.decode("utf-8", "replace")
        found = [m for m in self.secrets if m in text]
        for value in sorted(allowed, key=len, reverse=True):
            text = text.replace(value, "")
        # Random tokens (CSRF, nonces) are long alphanumeric runs that hold "mkb" by chance
        # now and then; B's data never does (its marked values are short or hyphenated).
        text = RANDOM_TOKEN.sub("", text)
        found += [n for n in self.numbers if re.search(rf"\b{n}\b", text)]
        if MARKER in text.lower():
            at = text.lower().index(MARKER)
            found.append(text[max(0, at - 40) : at + 40])
        return found


def _software_of_b(system: Actor, org_b: Any, ci: Any) -> tuple[Any, Any, Any]:
    """A shared product (configuration every agent reads, so unmarked), B's licence of it
    and its installation on B's CI."""
    product = software_services.product_create(
        system, publisher="Walk publisher", name="Walk product", match_rules=["walk product"]
    )
    licence = software_services.licence_create(
        system,
        product=product.slug,
        quantity=3,
        start_date="2026-01-01",
        purchase_order="mkb-po",
        vendor="mkb-vendor",
        notes="mkb-licence-notes",
        organisation=org_b.slug,
    )
    installation = software_services.installation_create(
        system, product=product.slug, device=ci.number, cores=2
    )
    return product, licence, installation


def build_scene() -> Scene:
    org_a = factories.OrganisationFactory(name="Walk A", slug="walk-a")
    org_b = factories.OrganisationFactory(name="mkb Organisation", slug="mkb-org")
    department = Department.objects.create(organisation=org_b, name="mkb-department")
    location = Location.objects.create(name="mkb-location", organisation=org_b)
    a = limited_agent("walker-a", org_a)
    system = Actor.system("access-walk")
    b = services.user_create(
        system,
        username="mkb-user",
        first_name="mkbFirst",
        last_name="mkbLast",
        email="mkb-mail@example.com",
        phone="mkb-phone",
        organisation=org_b.slug,
        department=department.id,
        location=location.id,
        roles=["agent"],
    )
    b.served_organisations.set([org_b])
    team = services.team_create(
        system,
        name="mkb Team",
        slug="mkb-team",
        description="mkb-team-description",
        email="mkb-team@example.com",
        organisation=org_b.slug,
        lead=b.username,
        members=[b.username],
    )
    token, raw = services.token_create(system, user=b, name="mkb-token", scopes=["read"])
    content = b"mkb-file-content\n"
    attachment = services.attachment_add(
        Actor(user=b),
        target=f"team/{team.slug}",
        upload=io.BytesIO(content),
        filename="mkb-attachment.txt",
        size=len(content),
    )
    services.comment_add(Actor(user=b), target=team, body="mkb-comment", internal=True)
    requester_b = factories.requester(username="mkb-requester", organisation=org_b)
    incident = incident_services.incident_create(
        Actor(user=b),
        title="mkb incident",
        description="mkb-incident-description",
        caller=requester_b.username,  # B's incident is requester B's too
    )
    incident_services.incident_comment(
        Actor(user=b), number=incident.number, body="mkb-incident-reply"
    )
    problem = problem_services.problem_create(
        Actor(user=b),
        title="mkb problem",
        description="mkb-problem-description",
        organisation=org_b.slug,
        from_incident=incident.number,
    )
    problem_services.problem_comment(Actor(user=b), number=problem.number, body="mkb-prb-note")
    # Calendars are configuration every agent reads: the walk uses one, but it is not B's.
    calendar = calendar_create(
        system,
        name="Walk calendar",
        slug="walk-calendar",
        time_zone="Europe/Berlin",
        working_hours=[{"weekday": 0, "start": "09:00", "end": "17:00"}],
    )
    policy = policy_create(
        system,
        name="mkb policy",
        slug="mkb-policy",
        calendar=calendar.slug,
        response_minutes=60,
        resolution_minutes=480,
        organisations=[org_b.slug],
    )
    ci = cmdb_services.ci_create(
        system,
        name="mkb-ci",
        ci_class="server",
        description="mkb-ci-description",
        organisation=org_b.slug,
        attributes={"fqdn": "mkb-host.example.com"},
    )
    ci_app = cmdb_services.ci_create(
        system, name="mkb-app", ci_class="application", organisation=org_b.slug
    )
    relationship = cmdb_services.relationship_create(
        system, source=ci_app.number, target=ci.number, type="runs_on"
    )
    product, licence, installation = _software_of_b(system, org_b, ci)
    # B's alert: its node is B's CI's fqdn, so it is of B's organisation (a warning: no
    # incident, which the system could not be the caller of)
    alert = event_services.event_ingest(
        system,
        source="mkb-monitor",
        node="mkb-host.example.com",
        resource="mkb-check",
        severity="warning",
        summary="mkb-alert-summary",
        details={"mkb": "mkb-detail"},
    ).alert
    # B's maintenance window over B's CI: an agent limited to other organisations reads
    # none of it (decision 0105)
    window = event_services.window_create(
        system,
        name="mkb-window",
        reason="mkb-window-reason",
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(days=2),
        configuration_items=[ci.number],
    )
    saved_view = incident_services.saved_view_save(
        Actor(user=b), name="mkb-view", query=f"q={MARKER}&team={team.slug}"
    )
    change, freeze, change_refs = _changes_of_b(system, b, team, ci, incident)
    mail_refs, mail_objects = _mail_of_b(system, team, incident)
    # the walk item's requests run clocks on a shared (unmarked) policy
    policy_create(
        system,
        name="Walk requests",
        slug="walk-requests",
        calendar=calendar.slug,
        response_minutes=60,
        resolution_minutes=480,
        pause_awaiting_approval=True,
        precedence=900,
    )
    catalog_refs, catalog_numbers = _catalog_of_b(system, b, requester_b)
    asset_refs, asset_objects = _assets_of_b(system, org_b, b)
    article = _article_of_b(b, org_b)
    # configuration administrators keep (shared, not B's): the walker may not even open it
    rule = incident_services.escalation_rule_create(
        system, name="Walk rule", threshold="breach", action="raise_priority"
    )
    # an automation rule: shared configuration agents read, administrators write; it names
    # nothing of B's (a rule naming B's team would show its slug to every agent: docs/automation.md)
    automation_rule = automation_services.rule_create(
        system,
        name="Walk automation",
        conditions=[{"field": "title", "operator": "contains", "value": "walk"}],
        actions=[{"action": "set_urgency", "value": 2}],
    )
    # requester B's rating of B's incident: agents of B's organisation read it (its title and
    # comment are B's); the answer page opens by a signed link the walk does not have
    survey = survey_services.survey_invite(
        system,
        subject="incident",
        record=incident,
        requester=requester_b,
        team_id=team.pk,
        key="walk:mkb-survey",
    )
    survey_services.survey_answer(
        Actor(user=requester_b), pk=survey.pk, rating=2, comment="mkb-survey-comment"
    )
    people = walkers(a, org_a, org_b, policy)
    witnesses = build_bridges(
        system,
        org_a=org_a,
        requester=people["requester"].user,
        ci=ci.number,
        incident=incident.number,
        freeze_at=freeze.starts_at,
    )
    return Scene(
        a=a,
        b=b,
        team=team,
        token=token,
        attachment=attachment,
        incident=incident,
        policy=policy,
        secrets=[raw, token.digest, attachment.sha256, str(attachment.id)],
        path_values={
            "username": b.username,
            "token_id": str(token.id),
            "attachment_id": str(attachment.id),
            "view_id": str(saved_view.pk),
            # names shared by many record types only count after their collection's segment
            "teams/slug": team.slug,
            "incidents/number": incident.number,
            "problems/number": problem.number,
            "incident_number": incident.number,
            "policies/slug": policy.slug,
            "calendars/slug": calendar.slug,
            "cis/number": ci.number,
            "ci-classes/slug": "server",  # shared configuration, not B's
            "relationship-types/slug": "runs_on",  # shared configuration, not B's
            "relationship_id": str(relationship.id),
            "categories/slug": "network",  # a seeded category: shared configuration
            "incident-categories/slug": "network",  # the same category through the API
            "rule_id": str(rule.pk),
            "rules/id": str(automation_rule.pk),  # the API's automation rule
            "automation/pk": str(automation_rule.pk),  # its web page
            "surveys/id": str(survey.pk),  # the API's survey of B's incident
            "surveys/pk": str(survey.pk),  # its web page
            # the survey's answer link authenticates by its signature: a forged one (404)
            "rate/token": "walk-forged-survey-link",
            # the web's attachment card of B's incident, and a picker of B's teams
            "attachments/kind": "incident",
            "attachments/key": incident.number,
            "pick/kind": "team",
            # software: the product is shared configuration; the licence and installation B's
            "software/slug": product.slug,
            "licences/number": licence.number,
            "installations/id": str(installation.id),
            "devices/number": ci.number,
            "alerts/id": str(alert.pk),  # the API's alert and its web page
            "events/pk": str(alert.pk),
            "maintenance-windows/id": str(window.pk),  # the API's window and its web page
            "windows/pk": str(window.pk),
            **change_refs,
            **mail_refs,
            **catalog_refs,
            **asset_refs,
            "articles/number": article.number,
            "knowledge/number": article.number,
            "versions/revision": "1",
            "from-incident/number": incident.number,
            # reports: the top CIs, where a walker's incident naming B's CI could show it
            "reports/name": "top-cis",
        },
        query_values={
            "q": MARKER,
            "team": team.slug,
            "member": b.username,
            "is_active": "true",
            "object_type": "core.team",
            "object_id": str(team.pk),
            "actor_name": b.username,
            "channel": "web",
            "caller": b.username,
            "assignee": b.username,
            "ci": ci.number,
            "requester": b.username,
            "source": "discovery",  # the CMDB import's source (a registered one)
            "incident": incident.number,
            "severity": "warning",
            "state": "all",
        },
        body_values={
            "username": a.username,
            "name": "walk",
            "target": f"team/{team.slug}",
            "version": 1,
            "body": "walk",
            "incident": incident.number,
            "product": product.slug,
            "start_date": "2026-01-01",
            "device": ci.number,
            "installations": [],
            "severity": "warning",  # a walker's event is taken (201), its alert its own
            "token": "walk-forged-survey-link",  # a survey answer by link: forged (404)
            "rating": 5,
        },
        body_refs={
            "caller": b.username,
            "assignee": b.username,
            "lead": b.username,
            "members": [b.username],
            "team": team.slug,
            "organisation": org_b.slug,
            "parent": incident.number,
            "source": ci_app.number,
            "target": ci.number,
            "cis": [ci.number],
            "incidents": [incident.number],
            "requester": b.username,
            "delegate": b.username,
            "on_behalf_of": b.username,
        },
        admin_objects={
            "core.user": b,
            "core.team": team,
            "core.apitoken": token,
            "core.organisation": org_b,
            "core.department": department,
            "core.location": location,
            "core.auditentry": AuditEntry.objects.filter(object_id=str(team.pk)).first(),
            "core.outboxmessage": OutboxMessage.objects.filter(object_id=str(team.pk)).first(),
            "auth.group": Group.objects.get(name="agent"),
            "incidents.teamassignment": TeamAssignment.objects.create(team=team),
            "sla.slapolicy": policy,
            "changes.freezewindow": freeze,
            **mail_objects,
            **asset_objects,
        },
        change=change,
        freeze=freeze,
        walkers=people,
        numbers=[
            incident.number,
            problem.number,
            change.number,
            ci.number,
            ci_app.number,
            *catalog_numbers,
            mail_refs["incident/number"],  # opened by mail
            mail_refs["request/number"],
            licence.number,
            article.number,
        ],
        witnesses=witnesses,
    )


def _catalog_of_b(system, b, requester_b) -> tuple[dict[str, str], list[str]]:
    """Requester B's request (marked answer) approved by B, with its task. The service,
    the item and the fulfilling team are shared configuration everyone may read, so they
    carry no marker; the request and the task are B's."""
    fulfil = factories.TeamFactory(name="Walk fulfilment", slug="walk-fulfil")
    service = catalog_services.service_create(system, name="Walk service", stage="live")
    item = catalog_services.item_create(
        system,
        name="Walk item",
        service=service.slug,
        form=[
            {"key": "detail", "label": "Detail", "type": "text", "required": True},
            {"key": "proof", "label": "Proof", "type": "attachment"},
        ],
        approval_stages=[{"approvers": "manager", "quorum": "any"}],
        task_templates=[{"title": "Walk task", "team": fulfil.slug, "sla_policy": "walk-requests"}],
        sla_policy="walk-requests",
    )
    requester_b.manager = b
    requester_b.save(update_fields=["manager"])
    proof = SimpleUploadedFile("mkb-order-file.txt", b"mkb-order-file-body\n")
    request = catalog_services.request_order(
        Actor(user=requester_b), item=item.slug, answers={"detail": "mkb-answer", "proof": [proof]}
    )
    vote = request.approvals.get()
    catalog_services.approval_decide(
        Actor(user=b),
        number=request.number,
        approval_id=vote.pk,
        decision="approved",
        comment="mkb-vote",
    )
    task = request.tasks.get()
    refs = {
        "services/slug": service.slug,
        "items/slug": item.slug,
        "requests/number": request.number,
        "tasks/number": task.number,
        "approval_id": str(vote.pk),
    }
    return refs, [request.number, task.number]


def _mail_of_b(system, team, incident) -> tuple[dict[str, str], dict[str, models.Model]]:
    """A mailbox routing to B's team, a message it received (administrators' alone), and
    B's caller's reply by mail on B's incident (its page: agents who may see the incident)."""
    mailbox = mail_services.mailbox_create(
        system,
        name="mkb mailbox",
        slug="mkb-mailbox",
        address="mkb-box@example.com",
        kind="imap",
        imap_host="mkb-imap.example.com",
        imap_password="mkb-imap-password",
        team=team.slug,
    )
    raw = b"From: mkb-sender@example.com\r\nSubject: mkb-subject\r\n\r\nmkb-mail-body\r\n"
    message = mail_services.mail_ingest(mailbox, raw)
    # B's caller's mail that opened an incident, and one that opened a request (a request
    # mailbox of a shared item without questions): the pages of the opening messages
    opening = (
        f"From: {incident.caller.email}\r\nSubject: mkb-opened\r\n"
        "Message-ID: <mkb-opened@example.com>\r\n\r\nmkb-opening-body\r\n"
    ).encode()
    opened = mail_services.mail_ingest(mailbox, opening)
    assert opened.status == "created", opened.reason
    general = catalog_services.item_create(system, name="Walk general request")
    requests_box = mail_services.mailbox_create(
        system,
        name="mkb requests",
        slug="mkb-requests",
        address="mkb-req@example.com",
        kind="pipe",
        record_type="request",
        catalog_item=general.slug,
    )
    ordered = mail_services.mail_ingest(
        requests_box, opening.replace(b"mkb-opened@", b"mkb-ordered@")
    )
    assert ordered.status == "created", ordered.reason
    reply = (
        f"From: {incident.caller.email}\r\nSubject: Re: [{incident.number}] mkb\r\n"
        "Message-ID: <mkb-reply@example.com>\r\n\r\nmkb-mail-reply\r\n"
    ).encode()
    replied = mail_services.mail_ingest(mailbox, reply)
    assert replied.comment_id, replied.reason
    refs = {
        "mailboxes/slug": mailbox.slug,
        "by-comment/comment_id": str(replied.comment_id),
        "mail-messages/message_id": str(message.pk),
        "messages/pk": str(message.pk),  # the web pages of a received message
        "incident/number": opened.record_number,  # /mailboxes/opened/incident/<number>/
        "request/number": ordered.record_number,  # /mailboxes/opened/request/<number>/
    }
    return refs, {"mailboxes.mailbox": mailbox, "mailboxes.inboundmessage": message}


def _changes_of_b(system, b, team, ci, incident) -> tuple[Change, FreezeWindow, dict[str, str]]:
    """B's change (waiting for B's change manager's approval), a freeze window on B's CI,
    B's delegation, and the path values that name them."""
    import datetime as dt

    from django.utils import timezone

    manager = services.user_create(
        system,
        username="mkb-cm",
        organisation=b.organisation.slug,
        roles=["agent", "change_manager"],
    )
    manager.served_organisations.set([b.organisation])
    start = timezone.now() + dt.timedelta(days=7)
    change = change_services.change_create(
        Actor(user=b),
        title="mkb change",
        description="mkb-change-description",
        cis=[ci.number],
        incidents=[incident.number],
        team=team.slug,
        planned_start=start,
        planned_end=start + dt.timedelta(hours=2),
        implementation_plan="mkb-plan",
        backout_plan="mkb-backout",
        test_plan="mkb-test",
    )
    for status in ("assessment", "authorization"):
        change_services.change_update(
            Actor(user=b), number=change.number, expected_version=None, changes={"status": status}
        )
    change_services.change_comment(Actor(user=b), number=change.number, body="mkb-change-note")
    freeze = change_services.freeze_create(
        system,
        name="mkb freeze",
        reason="mkb-freeze-reason",
        ci=ci.number,
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),
    )
    today = timezone.localdate()
    delegation = change_services.delegation_create(
        Actor(user=b),
        delegate=manager.username,
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
    )
    # configuration every agent reads: used by the walk, but not B's (no marker)
    template = change_services.template_create(system, name="Walk template", slug="walk-template")
    return (
        change,
        freeze,
        {
            "changes/number": change.number,
            "approval_id": str(change.approvals.get().pk),
            "freeze-windows/slug": freeze.slug,
            "freezes/slug": freeze.slug,  # the web page of a freeze window
            "change-templates/slug": template.slug,
            "templates/slug": template.slug,  # the administrator's web page of a template
            "delegation_id": str(delegation.pk),
            # feed and approval links authenticate by the secret they carry, like a password:
            # the walk knows B's identifiers, not B's secrets, so it sends forged ones (404)
            "feed/token": "walk-forged-feed-token",
            "approve/token": "walk-forged-link",
            # the walker finds "team" first in "teams/", so the key names the segment before
            "feed/team": team.slug,
        },
    )


def _article_of_b(b, org_b) -> models.Model:
    """B's knowledge article, published (its first version kept) for agents of B's
    organisation only: requesters (B's organisation's too) and agents limited to other
    organisations never see it."""
    from steward.knowledge import services as knowledge_services

    article = knowledge_services.article_create(
        Actor(user=b),
        title="mkb article",
        body="mkb-article-body",
        organisation=org_b.slug,
        audience="agents",
    )
    content = b"mkb-article-file-body\n"
    services.attachment_add(
        Actor(user=b),
        target=f"article/{article.number}",
        upload=io.BytesIO(content),
        filename="mkb-article-file.txt",
        size=len(content),
    )
    return knowledge_services.article_update(
        Actor(user=b), number=article.number, expected_version=None, changes={"status": "published"}
    )


def _assets_of_b(system, org_b, b) -> tuple[dict[str, str], dict[str, models.Model]]:
    """B's asset (deployed, retired with a disposition), a contract covering it, a stock
    room, a stock count, and a laptop lent to B and overdue (the loans page and
    /api/v1/assets/loans): the asset managers' alone (no walker is one)."""
    import datetime as dt

    from django.utils import timezone

    from steward.assets import services as asset_services

    category = asset_services.category_create(system, name="mkb category")
    model = asset_services.model_create(
        system, manufacturer="mkb maker", name="mkb model", category=category.slug
    )
    room = asset_services.stock_room_create(system, name="mkb room")
    asset = asset_services.asset_create(
        system,
        asset_tag="mkb-tag",
        serial_number="mkb-serial",
        model=model.pk,
        status="in_stock",
        organisation=org_b.slug,
        vendor="mkb-vendor",
        stock_room=room.slug,
    )
    asset_services.asset_update(
        system, number=asset.number, expected_version=None, changes={"status": "retired"}
    )
    asset_services.disposition_update(system, number=asset.number, vendor="mkb-recycler")
    contract = asset_services.contract_create(
        system,
        title="mkb contract",
        vendor="mkb-vendor",
        kind="support",
        start_date="2025-01-01",
        end_date="2030-01-01",
        assets=[asset.number],
    )
    count = asset_services.stock_count_start(system, stock_room=room.slug)
    lent = asset_services.asset_create(
        system,
        asset_tag="mkb-loan-tag",
        serial_number="mkb-loan-serial",
        model=model.pk,
        status="in_stock",
        organisation=org_b.slug,
    )
    asset_services.asset_check_out(  # the system records a loan already overdue
        system,
        number=lent.number,
        person=b.username,
        due_back=timezone.localdate() - dt.timedelta(days=3),
    )
    refs = {
        "assets/number": asset.number,
        "contracts/number": contract.number,
        "counts/count_id": str(count.pk),
        "categories/slug": category.slug,
        "models/pk": str(model.pk),
    }
    objects = {
        "assets.asset": asset,
        "assets.assetmodel": model,
        "assets.category": category,
        "assets.stockroom": room,
        "assets.contract": contract,
        "assets.disposition": asset.disposition,
    }
    return refs, objects
