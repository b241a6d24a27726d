"""The text of incidents' CI and affected service mapped to the CMDB references 0009 added
(issue 10, item 4); 0011 drops the text. Each step is its own migration: PostgreSQL alters
no table in a transaction that has rows written with deferred foreign-key checks pending.

- ``configuration_item``: a CI by its number (``ci0000042`` too);
- ``affected_service``: a business-service CI (its class or a subclass) by number or by name
  (case aside, when exactly one service has that name);
- a value that maps to nothing is appended to the description (``Configuration item
  (unmapped): …``) so no one's words are lost, and the count is printed;
- SLA policies that named a service the same way name it by its CI number now, so they keep
  matching the same incidents.
"""

from __future__ import annotations

import logging
import sys

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Concat

log = logging.getLogger("steward.migrations")
SERVICE_CLASS = "business_service"
LABELS = {
    "configuration_item": "Configuration item (unmapped)",
    "affected_service": "Affected service (unmapped)",
}


def _service_class_ids(apps) -> set[int]:
    classes = {c.pk: c for c in apps.get_model("cmdb", "CIClass").objects.all()}

    def is_service(cls) -> bool:
        seen = set()
        while cls is not None and cls.pk not in seen:
            if cls.slug == SERVICE_CLASS:
                return True
            seen.add(cls.pk)
            cls = classes.get(cls.parent_id)
        return False

    return {pk for pk, cls in classes.items() if is_service(cls)}


class _Resolver:
    """Text → CI id, for CIs (by number) and for services (by number or unique name)."""

    def __init__(self, apps) -> None:
        self.cis = apps.get_model("cmdb", "ConfigurationItem").objects
        self.service_classes = _service_class_ids(apps)

    def ci(self, text: str) -> int | None:
        return self.cis.filter(number=text.strip().upper()).values_list("pk", flat=True).first()

    def service(self, text: str) -> int | None:
        services = self.cis.filter(ci_class_id__in=self.service_classes)
        by_number = services.filter(number=text.strip().upper()).values_list("pk", flat=True)
        if by_number:
            return by_number[0]
        by_name = list(services.filter(name__iexact=text.strip()).values_list("pk", flat=True)[:2])
        return by_name[0] if len(by_name) == 1 else None


def _append(incidents, label: str, text: str) -> None:
    """Add ``label: text`` as the description's last line, to every row of ``incidents``."""
    line = f"{label}: {text.strip()}"
    # the non-empty ones first: the empty ones would no longer be empty
    incidents.exclude(description="").update(
        description=Concat(F("description"), Value(f"\n\n{line}"), output_field=models.TextField())
    )
    incidents.filter(description="").update(description=Value(line))


def map_references(apps, schema_editor) -> None:
    incidents = apps.get_model("incidents", "Incident").objects
    resolve = _Resolver(apps)
    mapped, unmapped, touched = 0, 0, set()
    for field, lookup in (
        ("configuration_item", resolve.ci),
        ("affected_service", resolve.service),
    ):
        text_field = f"{field}_text"
        values = incidents.exclude(**{text_field: ""}).values_list(text_field, flat=True).distinct()
        for text in list(values):
            rows = incidents.filter(**{text_field: text})
            target = lookup(text) if text.strip() else None
            if target is not None:
                mapped += rows.update(**{f"{field}_id": target})
            elif text.strip():
                touched.update(rows.values_list("pk", flat=True))
                unmapped += rows.count()
                _append(rows, LABELS[field], text)
    policies = _rename_policy_services(apps, resolve)
    if touched:
        _reindex(touched)
    report = (
        f"incidents 0010: {mapped} CI and service values mapped to the CMDB; "
        f"{unmapped} unmapped, kept in the description of {len(touched)} incidents; "
        f"{policies} SLA policy service names now CI numbers"
    )
    log.info(report)
    if mapped or unmapped or policies:
        sys.stdout.write(f"\n  {report}\n")


def _rename_policy_services(apps, resolve: _Resolver) -> int:
    """SLA policies match an incident's service by its CI number now."""
    numbers = dict(resolve.cis.values_list("pk", "number"))
    renamed = 0
    for policy in apps.get_model("sla", "SlaPolicy").objects.exclude(services=[]):
        services = []
        for text in policy.services:
            target = resolve.service(str(text)) if str(text).strip() else None
            services.append(numbers[target] if target is not None else text)
            renamed += services[-1] != text
        if services != policy.services:
            policy.services = services
            policy.save(update_fields=["services"])
    return renamed


def _reindex(ids: set[int]) -> None:
    """The search index holds descriptions: refresh the ones that grew."""
    from steward.incidents.services import search_index

    # the term table does not exist yet at this migration: 0014 fills it from the index
    search_index.reindex(sorted(ids), terms=False)


def unmap_references(apps, schema_editor) -> None:
    incidents = apps.get_model("incidents", "Incident").objects
    for field in ("configuration_item", "affected_service"):
        for pk, number in incidents.exclude(**{f"{field}_id": None}).values_list(
            "pk", f"{field}__number"
        ):
            incidents.filter(pk=pk).update(**{f"{field}_text": number})


class Migration(migrations.Migration):
    dependencies = [
        ("cmdb", "0005_ci_class_name_index"),
        ("sla", "0001_initial"),
        ("incidents", "0009_cmdb_references"),
    ]

    operations = [migrations.RunPython(map_references, unmap_references)]
