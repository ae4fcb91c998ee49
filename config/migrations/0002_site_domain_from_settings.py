"""The Site that feeds and sitemaps build absolute URLs from is the one in ``SITE_URL``.

Without it, Django's default Site makes them point at "example.com".
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def set_domain(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )


class Migration(migrations.Migration):
    dependencies = [("config", "0001_french_unaccent_search"), ("sites", "0002_alter_domain_unique")]
    operations = [migrations.RunPython(set_domain, migrations.RunPython.noop)]
