# The full-text document stored in the table (PostgreSQL only), replacing the expression index:
# ranking read the texts again to compute their vector (core.postgres.AddSearchDocument).

from django.db import migrations

from core.postgres import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('pages', '0003_unpublish_at'),
        ("core", "0001_french_unaccent_search"),  # the text search configuration
    ]

    operations = [
        AddSearchDocument(model_name='sitepage', weighted={"A": ("title",), "B": ("summary",), "C": ("body",)}),
    ]
