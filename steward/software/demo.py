"""Demo software: fifteen products, licences of every metric and term, installations on
the demo's servers and VMs reported as discovery would (names matched by the products'
rules), and one product out of compliance (Acrobat: three devices short)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor
from steward.core.models import User
from steward.software import selectors, services
from steward.software.models import Product

# (publisher, name, version family, rules, the names discovery reports, metric, term)
PRODUCTS = [
    (
        "Microsoft",
        "Office Professional Plus",
        "2021",
        ["office pro* 2021"],
        ["Microsoft Office Professional Plus 2021", "Office Pro 2021"],
        "device",
        "perpetual",
    ),
    (
        "Microsoft",
        "SQL Server Standard",
        "2022",
        ["sql server 2022 standard"],
        ["Microsoft SQL Server 2022 Standard Edition"],
        "core",
        "perpetual",
    ),
    (
        "Microsoft",
        "Visio Professional",
        "2021",
        ["visio pro* 2021"],
        ["Microsoft Visio Professional 2021"],
        "user",
        "perpetual",
    ),
    (
        "Microsoft",
        "365 E3",
        "",
        ["365 e3", "m365 e3"],
        ["Microsoft 365 E3"],
        "user",
        "subscription",
    ),
    (
        "Adobe",
        "Acrobat Pro",
        "2024",
        ["acrobat pro*"],
        ["Adobe Acrobat Pro", "Acrobat Pro DC"],
        "device",
        "subscription",
    ),
    (
        "Oracle",
        "Database Enterprise Edition",
        "19c",
        ["oracle database 19c"],
        ["Oracle Database 19c Enterprise Edition"],
        "core",
        "perpetual",
    ),
    (
        "VMware",
        "vSphere Enterprise Plus",
        "8",
        ["vsphere 8"],
        ["VMware vSphere 8 Enterprise Plus"],
        "core",
        "subscription",
    ),
    (
        "Red Hat",
        "Enterprise Linux",
        "9",
        ["red hat enterprise linux 9", "rhel 9"],
        ["Red Hat Enterprise Linux 9.4"],
        "device",
        "subscription",
    ),
    (
        "Atlassian",
        "Jira Software",
        "Data Center",
        ["jira software"],
        ["Jira Software"],
        "user",
        "subscription",
    ),
    (
        "JetBrains",
        "IntelliJ IDEA Ultimate",
        "",
        ["intellij idea ultimate"],
        ["IntelliJ IDEA Ultimate 2024.3"],
        "user",
        "subscription",
    ),
    (
        "Zoom",
        "Workplace",
        "",
        ["zoom workplace", "zoom"],
        ["Zoom Workplace"],
        "site",
        "subscription",
    ),
    ("Mozilla", "Firefox ESR", "", ["firefox"], ["Mozilla Firefox ESR 128"], "site", "perpetual"),
    ("7-Zip", "7-Zip", "", ["7 zip"], ["7-Zip 24.08 (x64)"], "site", "perpetual"),
    (
        "Splunk",
        "Enterprise",
        "9",
        ["splunk enterprise 9"],
        ["Splunk Enterprise 9.2"],
        "core",
        "subscription",
    ),
    (
        "Tableau",
        "Desktop",
        "",
        ["tableau desktop"],
        ["Tableau Desktop 2024.2"],
        "device",
        "perpetual",
    ),
]
SHORT = "adobe-acrobat-pro"  # the product the demo leaves three devices short


def load(rng: random.Random) -> int:
    """Load once (nothing when products exist); returns how many installations were made."""
    if Product.objects.exists():
        return 0
    system = Actor.system("demo")
    today = timezone.localdate()
    products = []
    for publisher, name, family, rules, names, metric, term in PRODUCTS:
        product = services.product_create(
            system, publisher=publisher, name=name, version_family=family, match_rules=rules
        )
        products.append((product, names, metric, term))
    devices = list(
        ConfigurationItem.objects.filter(ci_class__slug__in=["server", "virtual_machine"])
        .order_by("id")
        .values_list("number", flat=True)
    )
    users = list(
        User.objects.filter(is_active=True).order_by("id").values_list("username", flat=True)
    )
    made = 0
    for number in devices:
        items = []
        for _product, names, _metric, _term in products:
            if rng.random() < 0.35:
                items.append(
                    {
                        "name": rng.choice(names),
                        "user": rng.choice(users) if users else "",
                        "cores": rng.choice([2, 4, 8, 16]),
                    }
                )
        made += services.device_installations_report(
            system, device=number, installations=items
        ).created
    positions = selectors.compliance_of(system, [p.pk for p, *_ in products], today=today)
    for product, _names, metric, term in products:
        used = positions[product.pk]
        needed = {"device": used.devices, "user": used.users, "core": used.cores}.get(metric, 0)
        quantity = (
            max(needed - 3, 1) if product.slug.startswith(SHORT) else needed + rng.randint(1, 5)
        )
        start = today - dt.timedelta(days=rng.randint(30, 700))
        end = today + dt.timedelta(days=rng.randint(30, 365)) if term == "subscription" else None
        services.licence_create(
            system,
            product=product.slug,
            metric=metric,
            term=term,
            quantity=0 if metric == "site" else quantity,
            cost=rng.randint(1, 400) * 25,
            start_date=start,
            end_date=end,
            purchase_order=f"PO-{rng.randint(10000, 99999)}",
            vendor=rng.choice(["SoftwareOne", "Insight", "CDW", "Direct"]),
        )
    # an expired subscription beside the running one: shown on its page, counting nothing
    services.licence_create(
        system,
        product=products[3][0].slug,
        metric="user",
        term="subscription",
        quantity=50,
        start_date=today - dt.timedelta(days=730),
        end_date=today - dt.timedelta(days=365),
        vendor="Direct",
    )
    return made
