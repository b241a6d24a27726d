"""Properties of the import: formula-safe cells, normalised keys, idempotent re-runs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.cmdb.imports import import_cis
from steward.cmdb.models import ConfigurationItem
from steward.cmdb.selectors.export import FORMULA_STARTS, safe_cell
from steward.cmdb.services.identity import normalise
from steward.core.models import AuditEntry


@given(st.text())
def test_no_exported_cell_starts_a_formula(text):
    cell = safe_cell(text)

    assert not cell.startswith(FORMULA_STARTS)
    assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)


@given(st.one_of(st.text(), st.integers()))
def test_normalising_an_identifier_twice_changes_nothing(value):
    once = normalise(value)

    assert once is None or normalise(once) == once


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
server_rows = st.lists(
    st.fixed_dictionaries(
        {
            "name": names,
            "fqdn": names.map(lambda n: f"{n}.example.com"),
            "os": st.sampled_from(["linux", "windows", "aix"]),
            "cpu_count": st.integers(min_value=1, max_value=256).map(str),
        }
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda row: row["fqdn"],
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=server_rows)
def test_importing_any_batch_twice_writes_nothing_the_second_time(asset_manager, rows):
    rows = [{"ci_class": "server", **row} for row in rows]
    import_cis(asset_manager, rows, source="discovery")
    versions = dict(ConfigurationItem.objects.values_list("id", "version"))
    audit_rows = AuditEntry.objects.count()

    again = import_cis(asset_manager, rows, source="discovery")

    assert again.counts["unchanged"] == len(rows)
    assert dict(ConfigurationItem.objects.values_list("id", "version")) == versions
    assert AuditEntry.objects.count() == audit_rows
