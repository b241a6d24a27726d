"""The ITIL default priority matrix, a starter set of categories and the settings row."""

from django.db import migrations

CATEGORIES = {
    "Hardware": ["Laptop", "Desktop", "Printer", "Mobile phone", "Monitor"],
    "Software": ["Operating system", "Office suite", "Business application", "Installation"],
    "Network": ["Connectivity", "VPN", "Wi-Fi", "DNS", "Firewall"],
    "Access": ["Password reset", "Account locked", "Permissions"],
    "Email": ["Delivery", "Mailbox", "Spam"],
    "Database": ["Performance", "Availability"],
    "Security": ["Phishing", "Malware", "Data leak"],
}


def seed(apps, schema_editor):
    rule = apps.get_model("incidents", "PriorityRule")
    for impact in (1, 2, 3):
        for urgency in (1, 2, 3):
            rule.objects.get_or_create(impact=impact, urgency=urgency,
                                       defaults={"priority": impact + urgency - 1})
    category = apps.get_model("incidents", "Category")
    for name, children in CATEGORIES.items():
        slug = name.lower().replace(" ", "-")
        parent, _ = category.objects.get_or_create(slug=slug, defaults={"name": name})
        for child in children:
            child_slug = f"{slug}-{child.lower().replace(' ', '-')}"
            category.objects.get_or_create(slug=child_slug,
                                           defaults={"name": child, "parent": parent})
    apps.get_model("incidents", "IncidentSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
