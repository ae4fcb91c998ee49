"""Back up the database and the media, restore them into an empty database and an empty
media folder, and the site shows the same content (docs/backup.md, done for real)."""

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from tests.factories import make_article, make_event, make_organisation, make_participation, make_person, uploaded_image

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh process on the restored database and media: what a visitor sees on each page.
SHOW = """
import json, re, sys
import django
django.setup()
from django.core.files.storage import default_storage
from django.test import Client
from news.models import Article
from events.models import Event
from people.models import Organisation, Person
client = Client()
pages = {}
for path in json.loads(sys.argv[1]):
    response = client.get(path)
    html = response.content.decode()
    pages[path] = [response.status_code, re.findall(r"<title>(.*?)</title>", html, re.S), re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S),
                   sorted(set(re.findall(r"/media/([^\\s\\"',]+)", html)))]
renditions = [name for model in (Article, Event, Person, Organisation) for obj in model.objects.all()
              for description in [getattr(obj, model.picture_fields[0] + "_renditions")] if description
              for name in [description["source"]] + [n for _, n in description["webp"] + description["fallback"]]]
print(json.dumps({"pages": pages, "renditions": renditions, "missing": [n for n in renditions if not default_storage.exists(n)]}))
"""


def page_summary(client, path: str):
    response = client.get(path)
    html = response.content.decode()
    return [
        response.status_code,
        re.findall(r"<title>(.*?)</title>", html, re.S),
        re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S),
        sorted(set(re.findall(r"/media/([^\s\"',]+)", html))),
    ]


class BackupRoundTrip:
    """Fill the site, back up, restore elsewhere, compare. Subclasses say where the restore goes."""

    serialized_rollback = True

    def fill(self):
        organiser = make_organisation(name="Mission Bassin Minier", logo=uploaded_image("logo.png", size=(400, 200)))
        event = make_event(title="Congrès de Thetford Mines", image=uploaded_image("salle.jpg"), image_alt="La salle")
        event.organisers.add(organiser)
        speaker = make_person(first_name="Line", last_name="Gagnon", photo=uploaded_image("portrait.jpg", size=(600, 800)))
        make_participation(event=event, person=speaker)
        article = make_article(title="Retour sur le congrès", image=uploaded_image("photo.jpg"), image_alt="Les participants")
        article.related_events.add(event)
        return ["/", "/actualites/", "/agenda/", "/personnes/", "/actualites/flux.rss", "/recherche/?q=congres",
                article.get_absolute_url(), event.get_absolute_url(), speaker.get_absolute_url()]

    def restored_database_url(self) -> str:
        raise NotImplementedError

    def test_the_restored_site_shows_the_same_content(self):
        paths = self.fill()
        before = {path: page_summary(self.client, path) for path in paths}
        self.assertIn("Retour sur le congrès", str(before))
        self.assertTrue(any(summary[3] for summary in before.values()), "pages show pictures")

        with tempfile.TemporaryDirectory(prefix="bassin-backup-") as scratch:
            scratch = Path(scratch)
            call_command("backupdb", scratch / "site.backup", stdout=io.StringIO())
            subprocess.run(["tar", "-C", settings.MEDIA_ROOT, "-czf", scratch / "media.tar.gz", "."], check=True)

            media = scratch / "restored-media"
            media.mkdir()
            env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "DATABASE_URL": self.restored_database_url(scratch),
                "MEDIA_ROOT": str(media),
            }
            subprocess.run(["tar", "-C", media, "-xzf", scratch / "media.tar.gz"], check=True)
            restore = subprocess.run([sys.executable, "manage.py", "restoredb", scratch / "site.backup"],
                                     cwd=ROOT, env=env, capture_output=True, text=True)
            self.assertEqual(restore.returncode, 0, restore.stderr)
            shown = subprocess.run([sys.executable, "-c", SHOW, json.dumps(paths)],
                                   cwd=ROOT, env=env, capture_output=True, text=True)
            self.assertEqual(shown.returncode, 0, shown.stderr)
        after = json.loads(shown.stdout)

        self.assertEqual(after["pages"], before)
        self.assertGreaterEqual(len(after["renditions"]), 4 * 3)  # four pictures, their sources and copies
        self.assertEqual(after["missing"], [])


class SQLiteBackupTests(BackupRoundTrip, TransactionTestCase):
    def setUp(self):
        if connection.vendor != "sqlite":
            self.skipTest("the SQLite backup API: run on SQLite")

    def restored_database_url(self, scratch: Path) -> str:
        return f"sqlite:///{scratch / 'restored.sqlite3'}"


@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="pg_dump/pg_restore: run on PostgreSQL")
class PostgreSQLBackupTests(BackupRoundTrip, TransactionTestCase):
    def setUp(self):
        self.scratch_database = f"bassin_restore_{uuid.uuid4().hex[:12]}"
        with self.server() as conn:
            conn.execute(f'CREATE DATABASE "{self.scratch_database}"')

    def tearDown(self):
        with self.server() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.scratch_database}" WITH (FORCE)')

    def server(self):
        params = connection.settings_dict
        return psycopg.connect(host=params["HOST"] or None, port=params["PORT"] or None, user=params["USER"] or None,
                               password=params["PASSWORD"] or None, dbname="postgres", autocommit=True)

    def restored_database_url(self, scratch: Path) -> str:
        params = connection.settings_dict
        credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        return f"postgres://{credentials}@{params['HOST']}:{params['PORT'] or 5432}/{self.scratch_database}"

    def test_restoring_into_a_database_that_is_not_empty_is_refused(self):
        from django.core.management.base import CommandError

        with tempfile.NamedTemporaryFile(suffix=".backup") as dump:
            call_command("backupdb", dump.name, stdout=io.StringIO())
            with self.assertRaisesMessage(CommandError, "not empty"):
                call_command("restoredb", dump.name)
