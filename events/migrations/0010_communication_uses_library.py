"""The Communication group manages the media library and attaches documents to events and articles."""

from django.db import migrations

GROUP = "Communication"
# (app label, codename). Attachments are edited inline, so removing one needs "delete"; deleting
# a picture or document still in use is refused (PROTECT).
CODENAMES = [
    *((app, f"{action}_{model}") for app, model in [
        ("library", "picture"), ("library", "document"), ("events", "eventdocument"), ("news", "articledocument"),
    ] for action in ("add", "change", "delete", "view")),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure these exist now.
    for label in ("library", "events", "news"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in CODENAMES]
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app, codename in CODENAMES:
        for group in Group.objects.filter(name=GROUP):
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_event_documents"),
        ("news", "0007_article_documents"),
        ("people", "0002_communication_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
