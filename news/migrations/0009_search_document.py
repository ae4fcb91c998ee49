# The full-text document stored in the table (PostgreSQL only), replacing the expression index:
# ranking read the texts again to compute their vector (core.postgres.AddSearchDocument).

from django.db import migrations

from core.postgres import AddSearchDocument, RemoveIndexOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0008_unpublish_at'),
        ("core", "0001_french_unaccent_search"),  # the text search configuration
    ]

    operations = [
        RemoveIndexOnPostgreSQL(model_name='article', name='news_article_search_idx'),
        AddSearchDocument(model_name='article', weighted={"A": ("title",), "B": ("standfirst",), "C": ("body",)}),
    ]
