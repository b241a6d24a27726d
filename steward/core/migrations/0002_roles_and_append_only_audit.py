"""Seed the roles as groups, and make the audit log append-only in the database itself."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "requester": [],
    "agent": ["view_user", "view_team", "view_organisation", "view_location", "view_department"],
    "team_lead": ["view_user", "view_team", "change_team", "view_organisation"],
    "change_manager": ["view_user", "view_team", "view_organisation"],
    "asset_manager": ["view_user", "view_team", "view_location", "view_organisation"],
    "admin": None,  # every core permission
}


def seed_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("core")
    # permissions are normally created after migrate; the roles need them now
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    core_perms = permission_model.objects.filter(content_type__app_label="core")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        perms = core_perms if codenames is None else core_perms.filter(codename__in=codenames)
        group.permissions.set(perms)


SQLITE = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER core_auditentry_no_update", "DROP TRIGGER core_auditentry_no_delete"]

POSTGRES = [
    """CREATE FUNCTION core_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()""",
]
POSTGRES_DROP = ["DROP TRIGGER core_auditentry_append_only ON core_auditentry",
                 "DROP FUNCTION core_auditentry_append_only()"]


def add_triggers(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    statements = POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
