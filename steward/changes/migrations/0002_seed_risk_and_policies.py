"""The starter risk questionnaire, approval policies and the settings row."""

from django.db import migrations

# (slug, question, [(answer slug, label, weight)])
QUESTIONS = [
    ("outage", "Does the change need a service outage?",
     [("none", "No outage", 0), ("partial", "Partial or degraded service", 2),
      ("full", "Full outage", 4)]),
    ("tested", "Has the change been tested in a non-production environment?",
     [("yes", "Yes, the same change", 0), ("similar", "A similar change", 1),
      ("no", "No", 3)]),
    ("backout", "How hard is it to back out?",
     [("easy", "Easy, minutes", 0), ("hard", "Hard, hours", 2),
      ("impossible", "Not possible", 4)]),
    ("experience", "Has the team done this change before?",
     [("often", "Often", 0), ("once", "Once or twice", 1), ("never", "Never", 2)]),
    ("users", "How many users are affected while it is made?",
     [("few", "Fewer than 50", 0), ("many", "50 to 1,000", 1), ("all", "Most or all", 3)]),
]

# (slug, name, types, risks, approver kind, team slug, quorum)
POLICIES = [
    ("change-manager", "Change manager", ["normal"], ["low", "medium"], "change_managers", "", 1),
    ("cab", "Change Advisory Board", ["normal"], ["high", "very_high"], "team", "cab", 2),
    ("service-owner", "Owner team lead of the impacted services", ["normal"],
     ["high", "very_high"], "service_owner_lead", "", 1),
    ("ecab", "Emergency CAB (change managers)", ["emergency"], [], "change_managers", "", 1),
]


def seed(apps, schema_editor):
    question = apps.get_model("changes", "RiskQuestion")
    answer = apps.get_model("changes", "RiskAnswer")
    for order, (slug, text, answers) in enumerate(QUESTIONS):
        q, _ = question.objects.get_or_create(slug=slug, defaults={"text": text, "order": order})
        for answer_slug, label, weight in answers:
            answer.objects.get_or_create(
                question=q, slug=answer_slug, defaults={"label": label, "weight": weight}
            )
    policy = apps.get_model("changes", "ApprovalPolicy")
    for slug, name, types, risks, kind, team, quorum in POLICIES:
        policy.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "change_types": types,
                "risk_levels": risks,
                "approver_kind": kind,
                "team_slug": team,
                "quorum": quorum,
                "forbid_self_approval": True,
            },
        )
    apps.get_model("changes", "ChangeSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
