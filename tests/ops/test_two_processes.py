"""Two app servers, one PostgreSQL, one Redis: an edit saved through one is seen at once through the other."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from tests.factories import make_article, make_user

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from soak import Editor, request  # noqa: E402  the soak's editor: a real admin form, sent back whole

REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


pytestmark = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", "") or not redis_reachable(),
    reason="needs PostgreSQL (DATABASE_URL) and Redis on 127.0.0.1:6379",
)


class TwoAppServersTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        params = connection.settings_dict
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL",)} | {
            "DJANGO_SETTINGS_MODULE": "tests.settings",  # production settings (DEBUG off), test secrets
            "DATABASE_URL": f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}",
            "REDIS_URL": REDIS_URL,
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        self.ports, self.servers = [], []
        for _ in range(2):
            port = free_port()
            self.ports.append(port)
            self.servers.append(subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--no-control-socket"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        self.addCleanup(self.stop_servers)
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    if request(port, "GET", "/robots.txt", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                self.assertLess(time.monotonic(), deadline, "the app servers did not start")
                time.sleep(0.2)

    def stop_servers(self):
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            server.wait(timeout=30)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def page(self, port: int, path: str) -> str:
        status, _, body = request(port, "GET", path)
        self.assertEqual(status, 200, path)
        return body.decode()

    def test_an_edit_through_one_server_is_seen_at_once_through_the_other(self):
        article = make_article(title="Ordre du jour du comité")
        make_user(username="redactrice", password="two servers, one truth", is_superuser=True)
        first, second = self.ports
        for _ in range(2):  # the second visit comes from the page cache: Redis, and the worker's own memory
            self.assertIn("Ordre du jour du comité", self.page(second, article.get_absolute_url()))
            self.assertIn("Ordre du jour du comité", self.page(second, "/"))

        editor = Editor(first, "redactrice", "two servers, one truth", reverse("admin:index"))
        editor.login()
        self.assertEqual(editor.save(article.pk, "Compte rendu du comité"), 302)

        for path in (article.get_absolute_url(), "/", "/actualites/"):
            page = self.page(second, path)
            self.assertIn("Compte rendu du comité", page, path)
            self.assertNotIn("Ordre du jour du comité", page, path)

        editor = Editor(second, "redactrice", "two servers, one truth", reverse("admin:index"))
        editor.login()
        self.assertEqual(editor.save(article.pk, "Compte rendu définitif"), 302)
        self.assertIn("Compte rendu définitif", self.page(first, article.get_absolute_url()))
