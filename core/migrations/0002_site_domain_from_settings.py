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
    # Made as the "config" app\'s migration, before config/ became wiring only: a database
    # that applied it there counts it as applied here.
    replaces = [("config", "0002_site_domain_from_settings")]
    dependencies = [("core", "0001_french_unaccent_search"), ("sites", "0002_alter_domain_unique")]
    operations = [migrations.RunPython(set_domain, migrations.RunPython.noop)]
