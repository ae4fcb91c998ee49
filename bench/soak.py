"""Soak test: gunicorn + PostgreSQL under readers and an editor, with a PostgreSQL restart.

    .venv/bin/python bench/soak.py                 # 5 minutes, 32 readers, restart at 2:30
    .venv/bin/python bench/soak.py --seconds 60    # a smoke run

It creates (and drops at the end, unless --keep) a PostgreSQL database, migrates it, loads the
demo content, creates a superuser with a random password, then serves the production
configuration (DEBUG=0, HTTPS=0, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, Redis when
reachable) with gunicorn, through config/gunicorn.py when it exists. 32 reader threads fetch the home page, lists, details, feeds,
calendar and search; an editor logs into the admin and saves articles again and again through
the real change form (CSRF token, every field sent back, the title set to a counter).
Half-way, PostgreSQL is restarted with pg_ctlcluster; the app is not.

The restart window runs from the restart command until the first successful request that
started after the command returned, plus a grace of --grace seconds. A request belongs to the
window when its span overlaps it.

Targets (exit status 1 when one is missed): no 5xx and no failed connection outside the
window; requests served again after it without restarting gunicorn; memory of the workers
(sum of RSS) at the end within 10 % of its value after the first minute; no lost write (every
save answered 302 is in the database, and each article ends with its last acknowledged title).
The report also gives the workers' RSS every 30 seconds and its drift over the second half,
to tell a slow warm-up (a plateau) from a leak (a steady climb). Results: docs/soak.md.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG = "postgres://postgres@127.0.0.1:5432"
# Django's records (config/settings.py) and gunicorn's start with the time, to the second, and its offset.
LOG_TIME = re.compile(r"^\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4})\]? ")


@dataclass
class Hit:
    start: float
    end: float
    status: int  # 0: no answer (refused, reset, timeout)
    path: str


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    saves: list[tuple[float, int, int, str]] = field(default_factory=list)  # time, status, pk, title
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, hit: Hit):
        with self.lock:
            self.hits.append(hit)


def log(message: str):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*args, env=None, check=True) -> str:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True)
    if check and result.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def postgres_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def redis_url(db: int) -> str | None:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=1).ping()
    except Exception:
        return None
    return f"redis://127.0.0.1:6379/{db}"


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# Readers


def public_paths(port: int) -> list[str]:
    """The home page, lists, feeds, calendar, search, and every address of the sitemap."""
    paths = ["/", "/actualites/", "/agenda/", "/agenda/archives/", "/personnes/", "/actualites/flux.rss",
             "/actualites/flux.atom", "/agenda/flux.rss", "/agenda/agenda.ics", "/recherche/?q=congr%C3%A8s",
             "/recherche/?q=bassin+minier", "/sitemap.xml", "/robots.txt"]
    _, _, index = request(port, "GET", "/sitemap.xml")
    for section in re.findall(r"<loc>([^<]+)</loc>", index.decode()):
        _, _, body = request(port, "GET", urllib.parse.urlsplit(section).path)
        paths += [urllib.parse.urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", body.decode())]
    return sorted(set(paths))


def reader(port: int, paths: list[str], stop: threading.Event, results: Results, think: float):
    rng = random.Random()
    while not stop.is_set():
        path = rng.choice(paths)
        start = time.monotonic()
        try:
            status, _, _ = request(port, "GET", path)
        except (OSError, http.client.HTTPException):
            status = 0
        results.add(Hit(start, time.monotonic(), status, path))
        stop.wait(think * rng.random() * 2)


# The editor


class FormReader(HTMLParser):
    """The fields a browser would send back from the admin change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: list[tuple[str, str]] = []
        self._select = None
        self._textarea = None
        self._text = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "file", "button", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


class Editor:
    def __init__(self, port: int, username: str, password: str, admin: str):
        self.port, self.username, self.password, self.admin = port, username, password, admin
        self.cookies: dict[str, str] = {}

    def _headers(self, extra=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        return headers | (extra or {})

    def call(self, method, path, data=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            headers = self._headers({"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {})
            if data is not None:
                headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.msg.items():
                if name.lower() == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, val = cookie.partition("=")
                    self.cookies[key.strip()] = val.strip().strip('"')
            return response.status, response.getheader("Location", ""), response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def login(self):
        path = f"{self.admin}login/"
        status, _, page = self.call("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, location, _ = self.call(
            "POST", f"{path}?next={self.admin}",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": self.password, "next": self.admin},
        )
        if status != 302:
            raise RuntimeError(f"admin login answered {status}")

    def save(self, pk: int, title: str) -> int:
        """The status of the POST: 302 to the list when saved; 0 when the form could not be read."""
        path = f"{self.admin}news/article/{pk}/change/"
        status, _, page = self.call("GET", path)
        if status != 200:
            if status == 302:
                self.login()
            return 0
        form = FormReader()
        form.feed(page)
        data = [(k, v) for k, v in form.data if k != "title"] + [("title", title), ("_save", "Save")]
        status, location, page = self.call("POST", path, data)
        if status == 302 and not location.rstrip("/").endswith("news/article"):
            return 303  # redirected elsewhere (the login page): not a save
        if status == 200:
            return 422  # the form came back with errors
        return status


def editor_loop(editor: Editor, pks: list[int], stop: threading.Event, results: Results, pause: float):
    counter = 0
    while not stop.is_set():
        counter += 1
        pk = pks[counter % len(pks)]
        title = f"Soak save {counter}"
        try:
            status = editor.save(pk, title)
        except (OSError, http.client.HTTPException, RuntimeError, AttributeError):
            status = 0
        with results.lock:
            results.saves.append((time.monotonic(), status, pk, title))
        if status in (403, 303):
            with contextlib.suppress(OSError, http.client.HTTPException, RuntimeError, AttributeError):
                editor.login()
        stop.wait(pause)


# Memory


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def workers_rss(master: int) -> int:
    return sum(rss_kib(pid) for pid in worker_pids(master))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--restart-at", type=float, default=None, help="seconds after the start; default: half-way")
    parser.add_argument("--think", type=float, default=0.05, help="mean pause of a reader between requests (s)")
    parser.add_argument("--edit-pause", type=float, default=0.5)
    parser.add_argument("--grace", type=float, default=2.0)
    parser.add_argument("--port", type=int, default=8642)
    parser.add_argument("--database", default="bassin_soak")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--workers", type=int, default=None, help="without config/gunicorn.py: default 2 × CPUs + 1")
    parser.add_argument("--keep", action="store_true", help="keep the database and the log")
    args = parser.parse_args()
    restart_at = args.restart_at if args.restart_at is not None else args.seconds / 2

    scratch = Path(tempfile.mkdtemp(prefix="bassin-soak-"))
    database_url = f"{PG}/{args.database}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "AWS_STORAGE_BUCKET_NAME")}
    env |= {
        "DEBUG": "0", "HTTPS": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "REQUIRE_2FA": "0",  # editors sign in with a password here: the soak measures saves, not the second factor
        "DATABASE_URL": database_url, "MEDIA_ROOT": str(scratch / "media"), "STATIC_ROOT": str(scratch / "static"),
        "SITE_URL": f"http://127.0.0.1:{args.port}", "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.setdefault("GUNICORN_ACCESS_LOG", "")  # config/gunicorn.py: no access log, errors only
    # The same workers from start to end: the memory drift is theirs, not a fresh worker's.
    env["GUNICORN_MAX_REQUESTS"] = "0"
    env.pop("REDIS_URL", None)
    if url := redis_url(args.redis_db):
        env["REDIS_URL"] = url
        import redis

        redis.Redis.from_url(url).flushdb()

    log(f"database {args.database}, Redis {f'db {args.redis_db}' if 'REDIS_URL' in env else 'unreachable: local memory cache'}")
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    run(PYTHON, "manage.py", "migrate", "--no-input", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", env=env)
    run(PYTHON, "manage.py", "loaddemo", env=env)
    password = secrets.token_urlsafe(24)
    run(PYTHON, "manage.py", "shell", "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('soak', 'soak@example.org', '{password}')", env=env)
    with psycopg.connect(database_url) as conn:
        pks = [row[0] for row in conn.execute("SELECT id FROM news_article WHERE status = 'published' ORDER BY id LIMIT 3")]
    admin = "/" + env.get("ADMIN_URL", "admin/").strip("/") + "/"

    gunicorn_log = scratch / "gunicorn.log"
    command = [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{args.port}", "--error-logfile", str(gunicorn_log),
               "--no-control-socket"]
    if (ROOT / "config" / "gunicorn.py").exists():
        command += ["--config", "config/gunicorn.py"]
    else:
        command += ["--workers", str(args.workers or 2 * os.cpu_count() + 1), "--timeout", "30"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    log(" ".join(command))
    output = (scratch / "django.log").open("w")  # Django logs to the console: errors and tracebacks
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output)
    try:
        for _ in range(100):
            try:
                if request(args.port, "GET", "/robots.txt", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer")
        paths = public_paths(args.port)
        first_workers = set(worker_pids(server.pid))
        log(f"{len(paths)} public addresses, {len(first_workers)} workers, articles edited: {pks}")

        editor = Editor(args.port, "soak", password, admin)
        editor.login()

        results = Results()
        stop = threading.Event()
        threads = [threading.Thread(target=reader, args=(args.port, paths, stop, results, args.think), daemon=True)
                   for _ in range(args.readers)]
        threads.append(threading.Thread(target=editor_loop, args=(editor, pks, stop, results, args.edit_pause), daemon=True))
        begin = time.monotonic()
        wall_begin = time.time()  # the log's timestamps are wall-clock times
        for thread in threads:
            thread.start()

        rss_first_minute = None
        rss_series = {}
        rss_half = None
        restart = None
        while (elapsed := time.monotonic() - begin) < args.seconds:
            if rss_first_minute is None and elapsed >= min(60, args.seconds / 3):
                rss_first_minute = workers_rss(server.pid)
                log(f"workers' RSS at {elapsed:.0f} s: {rss_first_minute / 1024:.1f} MiB")
            if int(elapsed) // 30 * 30 not in rss_series:
                rss_series[int(elapsed) // 30 * 30] = round(workers_rss(server.pid) / 1024, 1)
            if rss_half is None and elapsed >= args.seconds / 2:
                rss_half = workers_rss(server.pid)
            if restart is None and elapsed >= restart_at:
                log("restarting PostgreSQL")
                restart_start = time.monotonic()
                run("pg_ctlcluster", "--skip-systemctl-redirect", postgres_version(), "main", "restart")
                restart = (restart_start, time.monotonic())
                log(f"PostgreSQL restarted in {restart[1] - restart_start:.1f} s")
            time.sleep(0.5)
        rss_end = workers_rss(server.pid)
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
        end_workers = set(worker_pids(server.pid))
        server_alive = server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    # The window: from the restart until the first success that started after it, plus a grace.
    hits = sorted(results.hits, key=lambda h: h.start)
    if restart:
        recovered = next((h.end for h in hits if h.start >= restart[1] and 200 <= h.status < 300), None)
        window = (restart[0], (recovered or float("inf")) + args.grace)
    else:
        recovered, window = None, (float("inf"), float("inf"))

    def outside(start, end):
        return end < window[0] or start > window[1]

    served = [h for h in hits if h.status]
    outside_hits = [h for h in hits if outside(h.start, h.end)]
    non_2xx = [h for h in outside_hits if not 200 <= h.status < 300]
    errors_5xx = [h for h in outside_hits if h.status >= 500]
    no_answer = [h for h in outside_hits if h.status == 0]
    inside = [h for h in hits if not outside(h.start, h.end)]
    after = [h for h in hits if h.start > window[1]]

    # Lost writes: each acknowledged save is logged by the admin (LogEntry) and the last one stands.
    acknowledged = [s for s in results.saves if s[1] == 302]
    last_title = {}
    for _, _, pk, title in acknowledged:
        last_title[pk] = title
    with psycopg.connect(database_url) as conn:
        titles = dict(conn.execute("SELECT id, title FROM news_article WHERE id = ANY(%s)", [pks]).fetchall())
        logged = conn.execute(
            "SELECT count(*) FROM django_admin_log l JOIN django_content_type c ON c.id = l.content_type_id "
            "WHERE c.app_label = 'news' AND c.model = 'article' AND l.action_flag = 2"
        ).fetchone()[0]
    lost_titles = {pk: (want, titles.get(pk)) for pk, want in last_title.items() if titles.get(pk) != want}
    lost = max(0, len(acknowledged) - logged) + len(lost_titles)
    failed_saves_outside = [s for s in results.saves if s[1] != 302 and outside(s[0], s[0])]

    output.close()
    log_errors = []  # (seconds since the start, line): a traceback's lines take the time of its record
    for path in (gunicorn_log, scratch / "django.log"):
        logged_at = None
        for line in (path.read_text(errors="replace").splitlines() if path.exists() else []):
            if stamp := LOG_TIME.match(line):
                logged_at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S %z").timestamp() - wall_begin
            if re.search(r"\[(ERROR|CRITICAL)\]|WORKER TIMEOUT|ERROR django\.request|^\S*Error: ", line):
                log_errors.append((logged_at, LOG_TIME.sub("", line)))
    # The log's times are to the second: a record belongs to the window when its second overlaps it.
    log_outside = [line for at, line in log_errors if at is None or outside(at + begin - 1, at + begin + 1)]
    log_kinds = {}
    for _, line in log_errors:
        kind = re.sub(r"\d+", "N", re.sub(r"^\[\d+\] ERROR django\.request: ", "", line)[:100])
        log_kinds[kind] = log_kinds.get(kind, 0) + 1
    drift = (rss_end - rss_first_minute) / rss_first_minute if rss_first_minute else float("nan")

    statuses = {}
    for h in hits:
        statuses[h.status] = statuses.get(h.status, 0) + 1
    report = {
        "seconds": args.seconds,
        "gunicorn": " ".join(command[1:]),
        "readers": args.readers,
        "requests": len(hits),
        "served": len(served),
        "per_second": round(len(served) / args.seconds, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "restart_command_s": round(restart[1] - restart[0], 2) if restart else None,
        "window_s": round(window[1] - window[0], 2) if restart and recovered else None,
        "requests_in_window": len(inside),
        "non_2xx_in_window": sum(1 for h in inside if not 200 <= h.status < 300),
        "non_2xx_outside_window": len(non_2xx),
        "5xx_outside_window": len(errors_5xx),
        "no_answer_outside_window": len(no_answer),
        "served_after_window": sum(1 for h in after if 200 <= h.status < 300),
        "gunicorn_master_alive": server_alive,
        "workers_replaced": len(first_workers - end_workers),
        "log_error_lines": len(log_errors),
        "log_error_lines_outside_window": len(log_outside),
        "log_errors_by_kind": log_kinds,
        "rss_first_minute_mib": round((rss_first_minute or 0) / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "rss_every_30_s_mib": list(rss_series.values()),
        "memory_drift_percent": round(drift * 100, 1),
        "memory_drift_second_half_percent": round((rss_end - rss_half) / rss_half * 100, 1) if rss_half else None,
        "saves_acknowledged": len(acknowledged),
        "saves_failed_in_window": sum(1 for s in results.saves if s[1] != 302 and not outside(s[0], s[0])),
        "saves_failed_outside_window": len(failed_saves_outside),
        "admin_log_changes": logged,
        "lost_writes": lost,
    }
    print(json.dumps(report, indent=2))
    for h in non_2xx[:10]:
        print(f"outside the window: {h.status} {h.path}")
    for line in log_outside[:10]:
        print(f"in the log, outside the window: {line}")

    missed = []
    if errors_5xx or no_answer:
        missed.append("5xx or no answer outside the restart window")
    if restart and not recovered:
        missed.append("no recovery after the restart")
    if not server_alive:
        missed.append("gunicorn died")
    if first_workers - end_workers:
        missed.append("workers died and were replaced")
    if log_outside:
        missed.append("errors in the log outside the restart window")
    if not drift < 0.10:
        missed.append("memory drift of 10 % or more")
    if lost or failed_saves_outside:
        missed.append("lost or failed writes")
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not args.keep:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    if args.keep:
        log(f"kept: database {args.database}, log {gunicorn_log}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    if missed:
        print("MISSED:", "; ".join(missed))
        sys.exit(1)
    print("All targets met.")


if __name__ == "__main__":
    main()
