"""One truth in every process: gunicorn workers and management commands beside them.

The site is served as the README says for production (``gunicorn -c config/gunicorn.py``),
with three workers, on its own database: SQLite without Redis (the embedded default), and on
PostgreSQL when the suite runs there, without and with Redis. Each page is first warmed on
every worker (each has answered it from its cache), then changed through the admin or a
management command; every request that follows must show the change, whichever worker
answers it.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import SimpleTestCase

from tests.ops.test_two_processes import REDIS_URL, free_port, redis_reachable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from soak import Editor, request  # noqa: E402  a real admin session over HTTP

WORKERS = 3
PASSWORD = "une vérité, trois processus"
SETUP = """
from tests.factories import make_article, make_user
make_article(title="Les terrils classés", slug="les-terrils-classes")
make_user(username="redactrice", password={password!r}, group="Communication")
"""


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


class EveryProcessTestCase(SimpleTestCase):
    """A site of its own: a fresh database, three gunicorn workers."""

    __test__ = False  # the cases below run it
    redis = False
    article_path = "/actualites/les-terrils-classes/"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp(prefix="bassin-procs-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")} | {
            "DJANGO_SETTINGS_MODULE": "tests.settings",  # production settings (DEBUG off), test secrets
            "DATABASE_URL": cls.database_url(),
            "MEDIA_ROOT": str(cls.tmp / "media"),
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_MAX_REQUESTS": "0",
        }
        if cls.redis:
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            cls.env["REDIS_URL"] = REDIS_URL
        cls.manage("migrate", "--no-input", "-v", "0")
        cls.manage("shell", "-c", SETUP.format(password=PASSWORD))
        cls.port = free_port()
        cls.access_log = cls.tmp / "access.log"
        cls.server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi",
             "--bind", f"127.0.0.1:{cls.port}", "--access-logfile", str(cls.access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s %({x-cache}o)s"],
            cwd=ROOT, env=cls.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        cls.addClassCleanup(cls.stop_server)
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(cls.port, "GET", "/robots.txt", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)

    @classmethod
    def database_url(cls) -> str:
        if not on_postgresql():
            return f"sqlite:///{cls.tmp / 'db.sqlite3'}"
        import psycopg

        params = connection.settings_dict
        name = f"bassin_procs_{uuid.uuid4().hex[:8]}"
        server = {"user": params["USER"], "password": params["PASSWORD"] or None, "host": params["HOST"] or None,
                  "port": params["PORT"] or None}
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        cls.addClassCleanup(drop)
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}"

    @classmethod
    def stop_server(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        if cls.redis:
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()

    @classmethod
    def manage(cls, *args: str) -> str:
        """A management command in a process of its own, beside the running workers."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=cls.env, capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed: {result.stderr[-2000:]}")
        return result.stdout

    def shell(self, code: str) -> None:
        self.manage("shell", "-c", "from news.models import Article\n" + code)

    # Visits

    def visits(self, path: str, count: int = 45) -> list[tuple[int, dict, str]]:
        """Many anonymous visits at once, each on a new connection, so that every worker answers some."""
        def visit(_):
            status, headers, body = request(self.port, "GET", path)
            return status, headers, body.decode()

        with ThreadPoolExecutor(max_workers=9) as pool:
            return list(pool.map(visit, range(count)))

    def log_lines(self) -> list[list[str]]:
        return [line.split() for line in self.access_log.read_text().splitlines()]

    def warm(self, path: str) -> None:
        """Until every worker has answered this page from its cache."""
        deadline = time.monotonic() + 30
        while True:
            start = len(self.log_lines())
            statuses = {status for status, _, _ in self.visits(path)}
            self.assertEqual(statuses, {200}, path)
            hits = {pid for pid, method, url, status, *cache in self.log_lines()[start:] if url == path
                    and cache == ["hit"]}
            if len(hits) >= WORKERS:
                return
            self.assertLess(time.monotonic(), deadline, f"{path} was not a hit on every worker: {hits}")

    def assertEveryVisit(self, path: str, status: int, *, shows: str = "", hides: str = "") -> None:
        start = len(self.log_lines())
        for got, _headers, body in self.visits(path):
            self.assertEqual(got, status, path)
            if shows:
                self.assertIn(shows, body, path)
            if hides:
                self.assertNotIn(hides, body, path)
        workers = {pid for pid, *_ in self.log_lines()[start:]}
        self.assertGreaterEqual(len(workers), 2, "the visits should have reached several workers")

    def editor(self) -> Editor:
        editor = Editor(self.port, "redactrice", PASSWORD, "/admin/")
        editor.login()
        return editor

    def admin_action(self, action: str, pk: int) -> None:
        editor = self.editor()
        _, _, page = editor.call("GET", "/admin/news/article/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _, _ = editor.call(
            "POST", "/admin/news/article/",
            {"csrfmiddlewaretoken": token, "action": action, "_selected_action": str(pk), "index": "0"},
        )
        self.assertEqual(status, 302)

    def article_pk(self) -> int:
        editor = self.editor()
        _, _, page = editor.call("GET", "/admin/news/article/?q=terrils")
        return int(re.search(r"/admin/news/article/(\d+)/change/", page).group(1))

    # The story

    def test_a_change_made_anywhere_is_seen_by_every_worker_on_its_next_request(self):
        path, article_list = self.article_path, "/actualites/"
        pk = self.article_pk()

        # Unpublished through the admin.
        self.warm(path)
        self.warm(article_list)
        self.admin_action("unpublish", pk)
        self.assertEveryVisit(path, 404)
        self.assertEveryVisit(article_list, 200, hides="Les terrils classés")

        # Published again by a management command.
        self.warm(article_list)
        self.shell(f"Article.objects.filter(pk={pk}).publish()")
        self.assertEveryVisit(path, 200, shows="Les terrils classés")
        self.assertEveryVisit(article_list, 200, shows="Les terrils classés")

        # Unpublished by a command that bypasses the models' save(): a bulk update.
        self.warm(path)
        self.shell(f"Article.objects.filter(pk={pk}).update(status='draft')")
        self.assertEveryVisit(path, 404)

        # Its title edited through the admin, then by a command.
        self.shell(f"Article.objects.filter(pk={pk}).publish()")
        self.warm(path)
        self.assertEqual(self.editor().save(pk, "Les terrils inscrits au patrimoine"), 302)
        self.assertEveryVisit(path, 200, shows="Les terrils inscrits au patrimoine", hides="Les terrils classés")
        self.warm(path)
        self.shell(f"a = Article.objects.get(pk={pk}); a.title = 'Les terrils, patrimoine mondial'; a.save()")
        self.assertEveryVisit(path, 200, shows="Les terrils, patrimoine mondial")

        # Its address changed: the old one leads to the new one while the article is public, then 404.
        self.warm(path)
        self.shell(f"a = Article.objects.get(pk={pk}); a.slug = 'terrils-patrimoine'; a.save()")
        new_path = "/actualites/terrils-patrimoine/"
        self.assertEveryVisit(new_path, 200, shows="Les terrils, patrimoine mondial")
        self.assertEveryVisit(path, 301)
        self.assertEqual(request(self.port, "GET", path)[1]["Location"], new_path)
        self.warm(new_path)
        self.shell(f"Article.objects.filter(pk={pk}).unpublish()")
        self.assertEveryVisit(new_path, 404)
        self.assertEveryVisit(path, 404)

    def test_the_content_commands_leave_no_stale_page_in_any_worker(self):
        self.warm("/")
        self.warm("/agenda/archives/")
        self.manage("loaddemo")
        self.assertEveryVisit("/", 200, shows="Thetford Mines")
        self.assertEveryVisit("/agenda/archives/", 200, shows="Thetford Mines")
        self.warm("/actualites/")
        self.manage("generate_bulk", "--force", "--articles", "30", "--events", "0", "--people", "0",
                    "--participations", "0")
        self.assertEveryVisit("/actualites/", 200, shows='href="/actualites/gen-')

    @pytest.mark.skipif(on_postgresql(), reason="restoredb fills an empty PostgreSQL database, not the served one")
    def test_restoring_a_backup_leaves_no_stale_page_in_any_worker(self):
        backup = self.tmp / "backup.sqlite3"
        self.manage("backupdb", str(backup))
        self.shell("from tests.factories import make_article\nmake_article(title='Annonce à retirer', slug='annonce-a-retirer')")
        self.warm("/actualites/annonce-a-retirer/")
        self.warm("/actualites/")
        self.manage("restoredb", str(backup))
        self.assertEveryVisit("/actualites/annonce-a-retirer/", 404)
        self.assertEveryVisit("/actualites/", 200, hides="Annonce à retirer")

    def test_an_erased_person_leaves_every_page_of_every_worker_at_once(self):
        """The right to erasure (people/personal_data.py), run as the operator does, beside the workers."""
        self.shell(
            "from events.models import Participation\n"
            "from tests.factories import make_article, make_event, make_participation, make_person\n"
            "person = make_person(first_name='Ysolde', last_name='Vandermeersch', slug='ysolde-vandermeersch',"
            " email='ysolde@example.org')\n"
            "event = make_event(title='Journée des terrils', slug='journee-des-terrils')\n"
            "make_participation(event=event, person=person, role=Participation.Role.SPEAKER, talk_title='Les terrils')\n"
            "make_article(title='Retour sur la journée', slug='retour-journee').related_people.add(person)\n"
        )
        pages = ["/personnes/ysolde-vandermeersch/", "/personnes/", "/agenda/journee-des-terrils/", "/actualites/retour-journee/"]
        for path in pages:
            self.warm(path)
            self.assertIn("Vandermeersch", request(self.port, "GET", path)[2].decode(), path)
        self.manage("personal_data", "erase", "ysolde@example.org", "--yes")
        self.assertEveryVisit(pages[0], 404)
        for path in pages[1:]:
            self.assertEveryVisit(path, 200, hides="Vandermeersch")

    def test_after_a_change_one_request_renders_a_page_while_the_others_wait_for_it(self):
        """Single flight: the visitors who arrive together after a change do not all render the page.
        With Redis the claim holds across workers (one render); without, across each worker's threads."""
        self.shell("from tests.factories import make_article\n"
                   "make_article(title='Le chevalement de Wallers', slug='chevalement-de-wallers')")
        path = "/actualites/chevalement-de-wallers/"
        self.warm(path)
        self.shell("Article.objects.filter(slug='chevalement-de-wallers').update(title='Le chevalement d’Arenberg')")
        start = len(self.log_lines())
        for status, _headers, body in self.visits(path, count=27):
            self.assertEqual(status, 200)
            self.assertIn("Le chevalement d’Arenberg", body)  # nobody waited for, or got, the old page
        renders = [line for line in self.log_lines()[start:] if line[2] == path and line[4:] == ["miss"]]
        self.assertGreaterEqual(len(renders), 1)
        self.assertLessEqual(len(renders), 1 if self.redis else WORKERS)

    def test_a_count_remembered_by_every_worker_follows_a_command_at_once(self):
        """The directory's count is remembered per content generation in each worker's own memory
        (no Redis) or in Redis: a person added by a command beside the workers counts at once."""
        path = "/personnes/"
        self.warm(path)
        before = int(re.search(r"(\d+) personnes?<", self.visits(path, count=1)[0][2]).group(1))
        self.shell("from tests.factories import make_person\nmake_person(first_name='Jeanne', last_name='Wozniak')")
        after = before + 1
        self.assertEveryVisit(path, 200, shows=f"{after} personne{'s' if after > 1 else ''}<")

    def test_query_parameters_a_page_does_not_read_share_its_one_copy(self):
        self.warm("/actualites/")
        for query in ("utm_source=lettre&utm_medium=email", "fbclid=IwAR0x", f"nimporte={uuid.uuid4().hex}"):
            status, headers, _ = request(self.port, "GET", f"/actualites/?{query}")
            self.assertEqual((status, headers.get("X-Cache")), (200, "hit"), query)
        status, headers, body = request(self.port, "GET", "/actualites/?page=1&utm_campaign=" + urllib.parse.quote("<b>"))
        self.assertEqual(status, 200)
        self.assertNotIn("utm_campaign", body.decode())


class WithoutRedisTests(EveryProcessTestCase):
    """The embedded default: no REDIS_URL, each worker caches pages in its own memory."""

    __test__ = True


@pytest.mark.skipif(not (on_postgresql() and redis_reachable()), reason="needs PostgreSQL and Redis")
class WithRedisTests(EveryProcessTestCase):
    __test__ = True
    redis = True
