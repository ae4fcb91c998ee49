"""The Communication group may read the log of participant exports."""

from django.db import migrations

GROUP = "Communication"
CODENAME = "view_participantexport"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure this one exists now.
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="events", codename=CODENAME)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="events", codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_participantexport"),
        ("people", "0002_communication_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
