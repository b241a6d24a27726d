"""Seed the roles as groups, and make the audit log append-only in the database itself."""

from django.db import migrations

from steward.core.migrations import _append_only

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
    original = getattr(config, "models_module", None)
    config.models_module = original or True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = original
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    core_perms = permission_model.objects.filter(content_type__app_label="core")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        perms = core_perms if codenames is None else core_perms.filter(codename__in=codenames)
        group.permissions.set(perms)


def add_triggers(apps, schema_editor):
    _append_only.create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    _append_only.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
