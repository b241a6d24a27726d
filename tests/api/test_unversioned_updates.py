"""An update of something that keeps no version refuses an If-Match instead of ignoring it.

The incident categories, the priority matrix, the escalation rules, the team assignment
modes and an asset's disposition have no version to compare. A PATCH sent with ``If-Match``
(a client guarding against a lost update) was applied whatever the header said, over a
newer edit, while the client believed it could not be. Now a 422 naming If-Match, nothing
written; without the header the last write wins, as docs/api.md says."""

import pytest

from steward.core.models import AuditEntry
from steward.incidents.models import Category, EscalationRule, PriorityRule
from tests import factories

pytestmark = pytest.mark.django_db

IF_MATCH = {"If-Match": '"1"'}


def _refused(response):
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["If-Match"]


def test_a_category_a_rule_the_matrix_and_the_modes_refuse_an_if_match(admin_api):
    team = factories.TeamFactory(name="Network")
    rule = admin_api.post(
        "/api/v1/escalation-rules",
        {"name": "Warn", "threshold": "breach", "action": "notify", "email": "a@example.com"},
    )
    assert rule.status_code == 201, rule.content
    rule_id = rule.json()["id"]
    rows = (
        list(Category.objects.values()),
        list(EscalationRule.objects.values()),
        list(PriorityRule.objects.values()),
    )
    audited = AuditEntry.objects.count()
    updates = [
        ("/api/v1/incident-categories/hardware", {"name": "Hardware 2"}),
        (f"/api/v1/escalation-rules/{rule_id}", {"name": "Warn 2"}),
        (
            "/api/v1/incident-priority-matrix",
            {"cells": [{"impact": 3, "urgency": 3, "priority": 1}]},
        ),
        ("/api/v1/team-assignment", {"modes": {team.slug: "round_robin"}}),
    ]
    for url, body in updates:
        _refused(admin_api.patch(url, body, headers=IF_MATCH))
    assert (
        list(Category.objects.values()),
        list(EscalationRule.objects.values()),
        list(PriorityRule.objects.values()),
    ) == rows
    assert AuditEntry.objects.count() == audited
    for url, body in updates:  # without it, as before
        assert admin_api.patch(url, body).status_code == 200, url


def test_a_disposition_refuses_an_if_match(admin_api, admin_user):
    from steward.assets import services
    from steward.assets.models import Disposition
    from tests.conftest import as_actor

    laptop = services.category_create(as_actor(admin_user), name="Laptop")
    model = services.model_create(
        as_actor(admin_user), name="T14", manufacturer="Lenovo", category=laptop.slug
    )
    asset = admin_api.post(
        "/api/v1/assets",
        {"asset_tag": "T-1", "serial_number": "S-1", "model": model.pk, "status": "in_stock"},
    )
    assert asset.status_code == 201, asset.content
    url = f"/api/v1/assets/{asset.json()['number']}"
    assert admin_api.patch(url, {"status": "retired"}).status_code == 200
    _refused(admin_api.patch(f"{url}/disposition", {"vendor": "Shred AG"}, headers=IF_MATCH))
    assert Disposition.objects.get().vendor == ""
    assert admin_api.patch(f"{url}/disposition", {"vendor": "Shred AG"}).status_code == 200
    assert Disposition.objects.get().vendor == "Shred AG"
