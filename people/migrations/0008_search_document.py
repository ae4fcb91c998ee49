# The full-text document stored in the table (PostgreSQL only), replacing the expression index:
# ranking read the texts again to compute their vector (core.postgres.AddSearchDocument).

from django.db import migrations

from core.postgres import AddSearchDocument, RemoveIndexOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_personal_data'),
        ("core", "0001_french_unaccent_search"),  # the text search configuration
    ]

    operations = [
        RemoveIndexOnPostgreSQL(model_name='organisation', name='people_org_search_idx'),
        AddSearchDocument(model_name='organisation', weighted={"A": ("name", "acronym"), "C": ("city",)}),
        RemoveIndexOnPostgreSQL(model_name='person', name='people_person_search_idx'),
        AddSearchDocument(model_name='person', weighted={"A": ("first_name", "last_name"), "B": ("job_title",), "C": ("bio",)}),
    ]
