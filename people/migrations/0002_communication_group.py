"""The "Communication" group: what an editor of the site needs, and nothing more."""

from django.db import migrations

GROUP = "Communication"

# app label -> model -> actions. Programme items and participations are edited
# inline on an event, so removing a row there needs "delete".
EDITOR_PERMISSIONS = {
    "news": {"article": ["add", "change", "view"]},
    "events": {
        "event": ["add", "change", "view"],
        "programmeitem": ["add", "change", "delete", "view"],
        "participation": ["add", "change", "delete", "view"],
    },
    "people": {
        "organisation": ["add", "change", "view"],
        "person": ["add", "change", "view"],
    },
    "taggit": {"tag": ["add", "change", "view"]},
}
EXTRA_PERMISSIONS = [("events", "export_participants")]


def codenames():
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                yield app_label, f"{action}_{model}"
    yield from EXTRA_PERMISSIONS


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames()
    ]
    group.permissions.set(wanted)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("people", "0001_initial"),
        ("events", "0001_initial"),
        ("news", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
