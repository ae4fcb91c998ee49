"""Production guard rails: PostgreSQL timeouts for the web, and settings that cannot break "one truth"."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase

from tests.factories import make_article
from tests.ops.test_two_processes import free_port

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from soak import request  # noqa: E402

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's timeouts")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment | {"DJANGO_SETTINGS_MODULE": "tests.settings"} | env,
        capture_output=True, text=True, timeout=120, check=False,
    )


class SettingsTests(SimpleTestCase):
    def test_a_replica_without_a_shared_cache_refuses_to_start_with_one_line(self):
        """Who has just written is remembered in the cache: per process, editors would read stale data."""
        result = manage("check", DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5432/replica")
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stderr.strip().count("\n"), 0, result.stderr)
        self.assertIn("DATABASE_REPLICA_URL needs REDIS_URL", result.stderr)

    def test_a_malformed_timeout_is_refused_with_one_line(self):
        for value in ("abc", "5 seconds", "-1"):
            with self.subTest(value=value):
                result = manage("check", DATABASE_LOCK_TIMEOUT=value)
                self.assertNotEqual(result.returncode, 0)
                self.assertEqual(result.stderr.strip().count("\n"), 0, result.stderr)
                self.assertIn("DATABASE_LOCK_TIMEOUT must be a duration", result.stderr)


@on_postgresql
class PostgresTimeoutTests(TransactionTestCase):
    serialized_rollback = True

    def test_the_web_has_timeouts_and_commands_have_none(self):
        with connection.cursor() as cursor:  # the settings every web process reads
            cursor.execute("SHOW statement_timeout")
            self.assertEqual(cursor.fetchone()[0], "20s")
            cursor.execute("SHOW lock_timeout")
            self.assertEqual(cursor.fetchone()[0], "5s")
        code = "from django.db import connection as c; k = c.cursor(); k.execute('SHOW lock_timeout'); print(k.fetchone()[0])"
        result = manage("shell", "-c", code, DATABASE_URL=self.database_url())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip().splitlines()[-1], "0")

    def database_url(self) -> str:
        params = connection.settings_dict
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"

    def serve(self, **env: str) -> int:
        """One gunicorn worker on the test database; its port."""
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")} | {
            "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": self.database_url(), "DEBUG": "0",
            "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1", "GUNICORN_THREADS": "1",
        } | env
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.addCleanup(server.wait, 30)
        self.addCleanup(server.terminate)
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "GET", "/robots.txt", timeout=2)[0] == 200:
                    return port
            except OSError:
                time.sleep(0.2)
            self.assertLess(time.monotonic(), deadline, "gunicorn did not start")

    def test_a_connection_the_server_dropped_is_opened_again_without_an_error(self):
        """The content generation's read is the connection's health check: a PostgreSQL restart
        costs no visitor a 503 page."""
        make_article(title="Les terrils classés")
        port = self.serve()
        self.assertEqual(request(port, "GET", "/actualites/")[0], 200)
        with connection.cursor() as cursor:  # what a restart does to the worker's persistent connection
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            self.assertGreaterEqual(len(cursor.fetchall()), 1)
        for path in ("/actualites/", "/agenda/", "/admin/login/"):
            self.assertEqual(request(port, "GET", path)[0], 200, path)

    def test_a_request_stuck_behind_a_migration_lock_fails_fast_into_the_503_page(self):
        make_article(title="Les terrils classés")
        port = self.serve(DATABASE_LOCK_TIMEOUT="300ms")
        params = connection.settings_dict
        with psycopg.connect(dbname=params["NAME"], user=params["USER"], host=params["HOST"] or None,
                             port=params["PORT"] or None, password=params["PASSWORD"] or None) as migration:
            migration.execute("LOCK TABLE news_article IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            status, _, body = request(port, "GET", "/actualites/", timeout=30)
            waited = time.monotonic() - started
            migration.rollback()
        self.assertEqual(status, 503)
        self.assertIn("Le site est momentanément indisponible", body.decode())
        self.assertLess(waited, 10, "the worker waited for the lock instead of giving up after 300 ms")
        self.assertEqual(request(port, "GET", "/actualites/")[0], 200)  # the lock gone, the page is back
