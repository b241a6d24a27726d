"""The record's SLA facts read as a sentence: "SLA response: 29 minutes business time · due …
(policy Standard)", the kind said once (by its label), not again after the badge with the
policy's name run on; the page and its writer (``views/facts.py``) alike."""

import re

import pytest

from steward.incidents.services import incident_create
from steward.incidents.views import facts as facts_writer

pytestmark = pytest.mark.django_db


def _facts(page: str) -> dict[str, str]:
    pairs = re.findall(r"<dt>(SLA [^<]*)</dt><dd>(.*?)</dd>", page, re.S)
    return {dt: " ".join(re.sub(r"<[^>]+>", " ", dd).split()) for dt, dd in pairs}


@pytest.mark.parametrize("written", [True, False])
def test_the_sla_facts_name_the_kind_once_and_the_policy_as_such(
    web, agent_actor, always_on, monkeypatch, written
):
    monkeypatch.setattr(facts_writer, "WRITTEN", written)  # the writer, or the template
    incident = incident_create(agent_actor, title="VPN down")
    facts = _facts(web.get(f"/incidents/{incident.number}/").content.decode())
    assert set(facts) == {"SLA response", "SLA resolution"}
    for kind, said in facts.items():
        assert said.endswith("(policy Standard)"), said
        assert kind.split()[1] not in said, said
