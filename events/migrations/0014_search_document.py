# The full-text document stored in the table (PostgreSQL only), replacing the expression index:
# ranking read the texts again to compute their vector (core.postgres.AddSearchDocument).

from django.db import migrations

from core.postgres import AddSearchDocument, RemoveIndexOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0013_printed_lists_in_the_export_log'),
        ("core", "0001_french_unaccent_search"),  # the text search configuration
    ]

    operations = [
        RemoveIndexOnPostgreSQL(model_name='event', name='events_event_search_idx'),
        AddSearchDocument(model_name='event', weighted={"A": ("title",), "B": ("summary", "city", "region", "country", "venue"), "C": ("description",)}),
    ]
