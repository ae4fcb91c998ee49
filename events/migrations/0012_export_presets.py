"""Export presets (named columns and filters), the XLSX format, the exported columns in the log;
the Communication group manages the presets."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GROUP = "Communication"
CODENAMES = ["add_exportpreset", "change_exportpreset", "delete_exportpreset", "view_exportpreset"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure these exist now.
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0011_unpublish_at'),
        ('people', '0002_communication_group'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='participantexport',
            name='columns',
            field=models.JSONField(blank=True, default=list, help_text="Keys of the exported columns, in the file's order.", verbose_name='columns'),
        ),
        migrations.AddField(
            model_name='participantexport',
            name='preset',
            field=models.CharField(blank=True, max_length=100, verbose_name='export preset'),
        ),
        migrations.AlterField(
            model_name='participantexport',
            name='format',
            field=models.CharField(choices=[('excel', 'Excel (semicolons, UTF-8 with BOM)'), ('csv', 'CSV (RFC 4180)'), ('xlsx', 'XLSX workbook (Excel, LibreOffice)')], max_length=10, verbose_name='format'),
        ),
        migrations.CreateModel(
            name='ExportPreset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='E.g. “Welcome desk: name, organisation”.', max_length=100, verbose_name='name')),
                ('columns', models.JSONField(default=list, help_text="Keys of the columns, in the file's order.", verbose_name='columns')),
                ('roles', models.JSONField(blank=True, default=list, help_text='Empty: every role.', verbose_name='roles')),
                ('statuses', models.JSONField(blank=True, default=list, help_text='Empty: every status.', verbose_name='statuses')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
            ],
            options={
                'verbose_name': 'export preset',
                'verbose_name_plural': 'export presets',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(fields=('name',), name='one_export_preset_per_name')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
