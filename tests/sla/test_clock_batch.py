"""The batch's plain clocks (``batch.Clock``, decision 0052) hold what an ``SlaClock`` built
by the same rule holds, and move the same under the same steps."""

import operator

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.sla.selectors import calendar_spec, policy_for
from steward.sla.services.batch import COLUMNS, Clock, ClockBatch
from steward.sla.services.clocks import _instant, new_clocks, pause_step, stop_step
from tests.sla.conftest import berlin

pytestmark = pytest.mark.django_db
_values = operator.attrgetter(*(c for c in COLUMNS if c != "id"))


def test_a_plain_clock_equals_the_models_through_start_pause_and_stop(calendar, record):
    policy = policy_for({"priority": 2})
    ct, spec = ContentType.objects.get_for_model(record), calendar_spec(policy.calendar)
    at = _instant(berlin(2026, 3, 2, 9, 0))
    models = new_clocks(ct, str(record.pk), policy, spec, at)
    plain = new_clocks(ct, str(record.pk), policy, spec, at, make=Clock)
    assert [type(c) for c in plain] == [Clock, Clock]
    assert [_values(c) for c in plain] == [_values(c) for c in models]
    assert [c.content_type for c in plain] == [c.content_type for c in models]
    assert [c.policy for c in plain] == [c.policy for c in models]
    assert plain[0].pk is None
    assert plain[0]._meta.label_lower == "sla.slaclock"

    def specs(_):
        return spec

    later = _instant(berlin(2026, 3, 5, 17, 0))  # past both targets of P2
    passed = [pause_step(models[1], specs, later), stop_step(models[0], specs, later)]
    assert [pause_step(plain[1], specs, later), stop_step(plain[0], specs, later)] == passed
    assert any(passed)
    assert [_values(c) for c in plain] == [_values(c) for c in models]


def test_the_batch_writes_every_column_of_a_clock():
    """A column added to ``SlaClock`` must be added to ``clocks.STEPPED`` when the steps set
    it (else to ``batch.COLUMNS``' own) and to ``Clock``'s defaults."""
    from steward.sla.models import SlaClock

    columns = {f.attname for f in SlaClock._meta.concrete_fields}
    assert {*COLUMNS, "updated_at"} == columns  # ``updated_at``: the batch's "now"


def test_a_move_finds_its_records_clocks_after_another_record_started(calendar):
    """``ClockBatch`` keeps the last started record's clocks at hand (decision 0080): a move
    on an earlier record still finds that record's own clocks, and a policy handed to
    ``start`` is the one ``policy(context)`` gives."""
    from steward.core.actor import Actor
    from steward.sla.models import SlaClock
    from tests import factories

    first, second = factories.TeamFactory(), factories.TeamFactory()
    batch = ClockBatch(Actor.system("tests"))
    at = berlin(2026, 3, 2, 9, 0)
    batch.start(first, context={"priority": 2}, at=at)
    batch.start(second, at=at, policy=batch.policy({"priority": 3}))
    batch.stop(first, kind="response", at=berlin(2026, 3, 2, 9, 30))
    batch.write()
    states = {
        (c.object_id, c.kind): (c.state, c.policy_id)
        for c in SlaClock.objects.filter(object_id__in=[str(first.pk), str(second.pk)])
    }
    p2, p3 = policy_for({"priority": 2}).pk, policy_for({"priority": 3}).pk
    assert states == {
        (str(first.pk), "response"): ("stopped", p2),
        (str(first.pk), "resolution"): ("running", p2),
        (str(second.pk), "response"): ("running", p3),
        (str(second.pk), "resolution"): ("running", p3),
    }
