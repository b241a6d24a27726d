"""Approvals still pending on changes a rejection already rejected are withdrawn
(``not_required``), as ``approval_decide`` now does when it rejects a change: before, they
stayed on their approvers' home pages and agendas and were reminded."""

from django.db import migrations


def withdraw(apps, schema_editor):
    approval = apps.get_model("changes", "ChangeApproval")
    approval.objects.filter(state="pending", change__approval_state="rejected").update(
        state="not_required"
    )


class Migration(migrations.Migration):
    dependencies = [("changes", "0007_calendar_index_by_start_and_id")]
    operations = [migrations.RunPython(withdraw, migrations.RunPython.noop)]
