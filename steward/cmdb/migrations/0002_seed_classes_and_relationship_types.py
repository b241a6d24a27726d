"""The starter CI classes (with attribute schemas and identification keys) and the five
relationship types. ``seed`` is idempotent, so tests that flush the database can re-run it."""

from django.db import migrations


def _a(name, kind, **extra):
    return {"name": name, "type": kind, "required": extra.pop("required", False), **extra}


CLASSES = [
    # (slug, name, parent, identification keys, attributes)
    (
        "business_service",
        "Business service",
        None,
        ["service_code"],
        [
            _a("service_code", "string"),
            _a("service_owner", "string"),
            _a("sla_tier", "enum", choices=["gold", "silver", "bronze"]),
            _a("customer_facing", "boolean"),
        ],
    ),
    (
        "application",
        "Application",
        None,
        ["app_id"],
        [
            _a("app_id", "string"),
            _a("vendor", "string"),
            _a("url", "string"),
            _a("tier", "enum", choices=["frontend", "backend", "batch", "middleware"]),
        ],
    ),
    (
        "database",
        "Database",
        None,
        ["instance_name"],
        [
            _a("instance_name", "string"),
            _a(
                "engine",
                "enum",
                choices=["postgresql", "mysql", "oracle", "mssql", "mongodb", "redis"],
            ),
            _a("engine_version", "string"),
            _a("port", "integer"),
            _a("host", "reference", reference_class="server"),
        ],
    ),
    (
        "server",
        "Server",
        None,
        ["serial_number", "fqdn"],
        [
            _a("fqdn", "string"),
            _a("serial_number", "string"),
            _a("ip_address", "ip"),
            _a("os", "enum", choices=["linux", "windows", "aix", "solaris"]),
            _a("os_version", "string"),
            _a("cpu_count", "integer"),
            _a("memory_gb", "decimal"),
            _a("purchase_date", "date"),
        ],
    ),
    (
        "virtual_machine",
        "Virtual machine",
        "server",
        ["vm_uuid", "fqdn"],
        [
            _a("vm_uuid", "string"),
            _a("hypervisor", "enum", choices=["vmware", "kvm", "hyper-v", "xen"]),
            _a("host", "reference", reference_class="server"),
        ],
    ),
    (
        "container",
        "Container",
        None,
        ["container_id"],
        [
            _a("container_id", "string"),
            _a("image", "string", required=True),
            _a("runtime", "enum", choices=["docker", "containerd", "cri-o"]),
            _a("cluster", "string"),
            _a("namespace", "string"),
        ],
    ),
    (
        "network_device",
        "Network device",
        None,
        ["serial_number"],
        [
            _a(
                "device_type",
                "enum",
                required=True,
                choices=["router", "switch", "firewall", "load_balancer", "access_point"],
            ),
            _a("serial_number", "string"),
            _a("ip_address", "ip"),
            _a("model", "string"),
            _a("firmware_version", "string"),
        ],
    ),
    (
        "storage",
        "Storage",
        None,
        ["serial_number"],
        [
            _a("storage_type", "enum", choices=["san", "nas", "object", "das"]),
            _a("serial_number", "string"),
            _a("capacity_tb", "decimal"),
            _a("ip_address", "ip"),
        ],
    ),
    (
        "cloud_resource",
        "Cloud resource",
        None,
        ["resource_id"],
        [
            _a("provider", "enum", required=True, choices=["aws", "azure", "gcp", "other"]),
            _a("region", "string"),
            _a("resource_id", "string"),
            _a("resource_type", "string"),
        ],
    ),
]

TYPES = [
    # (slug, name, inverse name, source depends on target)
    ("depends_on", "Depends on", "Is needed by", True),
    ("runs_on", "Runs on", "Runs", True),
    ("hosted_on", "Hosted on", "Hosts", True),
    ("connects_to", "Connects to", "Is connected from", True),
    ("part_of", "Part of", "Consists of", False),
]


def seed(apps, schema_editor):
    ci_class = apps.get_model("cmdb", "CIClass")
    made = {}
    for slug, name, parent, keys, attributes in CLASSES:
        made[slug], _ = ci_class.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": made.get(parent),
                "identification_keys": keys,
                "attributes": attributes,
            },
        )
    relationship_type = apps.get_model("cmdb", "RelationshipType")
    for slug, name, inverse, forward in TYPES:
        relationship_type.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "inverse_name": inverse, "source_depends_on_target": forward},
        )


class Migration(migrations.Migration):
    dependencies = [("cmdb", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
