"""A demo estate: business services on applications, databases, VMs on hosts, containers,
network and storage; a few hundred CIs related through the bulk path."""

from __future__ import annotations

import random

from steward.cmdb.models import ConfigurationItem
from steward.cmdb.services.bulk import cis_import, relationships_import
from steward.core.actor import Actor
from steward.core.models import Team

SERVICES = [
    ("Online shop", "gold", True),
    ("Payroll", "gold", False),
    ("Email and calendar", "silver", False),
    ("Customer support portal", "silver", True),
    ("Data warehouse", "bronze", False),
    ("Intranet", "bronze", False),
]
OSES = [("linux", "Ubuntu 22.04"), ("linux", "RHEL 9"), ("windows", "Server 2022")]
ENGINES = ["postgresql", "mysql", "mssql", "redis", "oracle"]


def load(rng: random.Random) -> int:
    """Load the estate once (nothing when CIs exist); returns how many CIs were made."""
    if ConfigurationItem.objects.exists():
        return 0
    system = Actor.system("demo")
    team_slugs = list(Team.objects.values_list("slug", flat=True)) or [None]

    def team() -> str | None:
        return rng.choice(team_slugs)

    def status() -> str:
        return rng.choices(["live", "maintenance", "planned", "retired"], [90, 4, 3, 3])[0]

    rows: list[dict] = []

    def add(kind: str, **row) -> int:
        rows.append(
            {
                "owner_team": team(),
                "support_team": team(),
                "status": status(),
                "ci_class": kind,
                **row,
            }
        )
        return len(rows) - 1

    links: list[tuple[int, int, str]] = []
    core = [
        add(
            "network_device",
            name=f"core-sw-{i:02d}",
            criticality=1,
            attributes={
                "device_type": "switch",
                "serial_number": f"FOC{rng.randint(10**7, 10**8)}",
                "ip_address": f"10.0.0.{i + 1}",
                "model": "Nexus 9300",
            },
        )
        for i in range(4)
    ]
    firewalls = [
        add(
            "network_device",
            name=f"fw-{i:02d}",
            criticality=1,
            attributes={"device_type": "firewall", "ip_address": f"10.0.1.{i + 1}"},
        )
        for i in range(2)
    ]
    for fw in firewalls:
        links += [(fw, sw, "connects_to") for sw in core]
    arrays = [
        add(
            "storage",
            name=f"san-{i:02d}",
            criticality=1,
            attributes={
                "storage_type": "san",
                "capacity_tb": str(rng.choice([200, 400, 800])),
                "serial_number": f"SAN{i:05d}",
            },
        )
        for i in range(2)
    ]
    hosts = []
    for i in range(24):
        h = add(
            "server",
            name=f"esx-{i:02d}",
            criticality=2,
            attributes={
                "fqdn": f"esx-{i:02d}.dc1.example.com",
                "serial_number": f"CZ{rng.randint(10**7, 10**8)}",
                "ip_address": f"10.1.{i // 200}.{i % 200 + 10}",
                "os": "linux",
                "cpu_count": rng.choice([32, 64, 96]),
                "memory_gb": str(rng.choice([512, 768, 1024])),
                "purchase_date": f"20{rng.randint(19, 24)}-0{rng.randint(1, 9)}-15",
            },
        )
        hosts.append(h)
        links += [(h, rng.choice(core), "connects_to"), (h, rng.choice(arrays), "depends_on")]
    made_services = [
        add(
            "business_service",
            name=name,
            criticality=1 if tier == "gold" else 2,
            attributes={
                "service_code": f"SVC-{i:03d}",
                "sla_tier": tier,
                "customer_facing": facing,
            },
        )
        for i, (name, tier, facing) in enumerate(SERVICES)
    ]
    vm_count = 0
    for s, (name, _tier, _facing) in zip(made_services, SERVICES, strict=True):
        slug = name.lower().replace(" ", "-")
        for j in range(rng.randint(2, 4)):
            app = add(
                "application",
                name=f"{slug}-app-{j}",
                software_version=f"{rng.randint(1, 9)}.{rng.randint(0, 20)}",
                attributes={
                    "app_id": f"{slug}-{j}",
                    "tier": rng.choice(["frontend", "backend", "batch"]),
                },
            )
            links.append((app, s, "part_of"))
            for _ in range(rng.randint(2, 6)):
                vm_count += 1
                os_name, os_version = rng.choice(OSES)
                vm = add(
                    "virtual_machine",
                    name=f"vm-{vm_count:04d}",
                    attributes={
                        "fqdn": f"vm-{vm_count:04d}.dc1.example.com",
                        "os": os_name,
                        "os_version": os_version,
                        "vm_uuid": f"{rng.getrandbits(128):032x}",
                        "hypervisor": "vmware",
                        "cpu_count": rng.choice([2, 4, 8]),
                        "memory_gb": str(rng.choice([4, 8, 16, 32])),
                    },
                )
                links += [(app, vm, "runs_on"), (vm, rng.choice(hosts), "hosted_on")]
            if rng.random() < 0.8:
                vm_count += 1
                dbvm = add(
                    "virtual_machine",
                    name=f"vm-{vm_count:04d}-db",
                    attributes={"fqdn": f"vm-{vm_count:04d}.dc1.example.com", "os": "linux"},
                )
                links.append((dbvm, rng.choice(hosts), "hosted_on"))
                engine = rng.choice(ENGINES)
                db = add(
                    "database",
                    name=f"{slug}-{engine}-{j}",
                    attributes={"engine": engine, "instance_name": f"{slug}-{j}"},
                )
                links += [(app, db, "depends_on"), (db, dbvm, "runs_on")]
            if rng.random() < 0.5:
                for k in range(rng.randint(2, 5)):
                    c = add(
                        "container",
                        name=f"{slug}-{j}-pod-{k}",
                        attributes={
                            "image": f"registry.example.com/{slug}:{rng.randint(1, 50)}",
                            "runtime": "containerd",
                            "cluster": "k8s-prod",
                            "namespace": slug,
                        },
                    )
                    links.append((app, c, "runs_on"))
                    links.append((c, rng.choice(hosts), "hosted_on"))
    for i in range(10):
        add(
            "cloud_resource",
            name=f"s3-backup-{i:02d}",
            attributes={
                "provider": "aws",
                "region": "eu-central-1",
                "resource_id": f"arn:aws:s3:::backup-{i:02d}",
                "resource_type": "s3_bucket",
            },
        )
    cis = cis_import(system, rows)
    # the web shop also needs the email service (a business service depending on another)
    links.append((made_services[0], made_services[2], "depends_on"))
    relationships_import(system, [(cis[a], cis[b], kind) for a, b, kind in dict.fromkeys(links)])
    return len(cis)
