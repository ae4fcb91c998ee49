"""The thundering herd: the first 10 seconds after a publish, under load, with and without single flight.

    .venv/bin/python bench/herd.py                 # the dataset of bench/load.py, prepared the same way
    .venv/bin/python bench/herd.py --articles 2000 --events 200 --people 1000 --participations 20000

Every change of content starts a new generation (pages/cache.py): every cached page is a miss
at once. This starts gunicorn as bench/load.py does (PostgreSQL, Redis, production settings),
sends a visitors' mix with wrk — the home page and the news list most often, then the agenda,
the directory, a tag page, a search and a long tail of 120 articles, 40 events and 40 people —
and for each setting of single flight (on: ``PAGE_CACHE_WAIT_SECONDS=3``; off: 0, every
request that misses renders):

1. visits each page once, warms every worker for 10 s, then measures 10 s of the steady state
   (everything cached);
2. publishes an article from another process (a plain SQL UPDATE: the database triggers start
   a new generation, as an editor's save does), and at once measures the next 10 s.

Prints requests answered, requests/s, p50, p99 and how many responses were rendered (X-Cache:
miss) in each window. Exits 1 on any non-2xx response or socket error. Information, not a gate:
the figures go to docs/performance.md.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from admin import sizes  # noqa: E402
from load import (  # noqa: E402
    DEFAULT_URL,
    PYTHON,
    REDIS_URL,
    ensure_database,
    first_visit,
    manage,
    server_env,
    wait_until_up,
    wrk,
)

PICK_MIX = """
import json
from django.urls import reverse
from events.models import Event
from news.models import Article
from people.models import Person
articles = [a.get_absolute_url() for a in Article.objects.published()[:120]]
events = [e.get_absolute_url() for e in Event.objects.published().order_by("-start")[:40]]
people = [p.get_absolute_url() for p in Person.objects.public().order_by("-pk")[:40]]
weighted = [("/", 20), (reverse("news:article-list"), 8), (reverse("events:event-list"), 4),
            (reverse("people:person-list"), 2), (reverse("tag-detail", kwargs={"slug": "friches"}), 2),
            (reverse("search") + "?q=friches", 1), (reverse("news:rss"), 2)]
paths = [path for path, weight in weighted for _ in range(weight)] + articles + events + people
print(json.dumps({"paths": paths, "article": Article.objects.published().first().pk}))
"""

LUA = """
local paths = {%(paths)s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) misses = 0 end
function request() return wrk.format(nil, paths[math.random(#paths)]) end
function response(status, headers, body) if headers["X-Cache"] == "miss" then misses = misses + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("misses") end
  io.write(string.format("misses %%d\\n", total))
end
"""


def publish(database_url: str, article: int) -> None:
    """An editor's change, from another process: a new generation for every page."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(
            "UPDATE news_article SET title = title || ' ', updated = now() WHERE id = %s", [article]
        )


def main() -> int:
    parser = sizes()
    parser.description = __doc__
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds per window")
    parser.add_argument("--port", type=int, default=8098)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not database_url.startswith("postgres"):
        print("bench/herd.py needs PostgreSQL (DATABASE_URL=postgres://…)", file=sys.stderr)
        return 2
    env = server_env(database_url, port=args.port, redis=True)
    ensure_database(database_url)
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "generate_bulk", f"--articles={args.articles}", f"--events={args.events}",
           f"--people={args.people}", f"--participations={args.participations}")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    import json

    import redis

    mix = json.loads(manage(env, "shell", "-c", PICK_MIX, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"paths": ", ".join(json.dumps(path) for path in mix["paths"])})
    base = f"http://127.0.0.1:{args.port}"

    def measure() -> dict:
        return wrk(base, script=script.name, connections=args.connections, threads=2, duration=args.duration,
                   timeout="10s")

    results, failures = {}, []
    for mode, wait in (("single flight", "3"), ("every miss renders", "0")):
        redis.Redis.from_url(REDIS_URL).flushdb()
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
            env={**env, "PAGE_CACHE_WAIT_SECONDS": wait}, cwd=BASE_DIR,
        )
        try:
            wait_until_up(base + "/bench/ping")
            for path in dict.fromkeys(mix["paths"]):  # every page once, so that the steady state is all hits
                first_visit(base + path)
            measure()  # every worker warm
            steady = measure()
            publish(database_url, mix["article"])
            after = measure()
            results[mode] = {"steady, all cached": steady, f"{args.duration} s after a publish": after}
        finally:
            server.terminate()
            server.wait(timeout=30)
    os.unlink(script.name)

    print(f"\nPostgreSQL + Redis; {len(mix['paths'])} weighted paths, {args.connections} connections, "
          f"{args.duration} s windows, {os.cpu_count()} CPUs\n")
    print(f"{'setting':<20} {'window':<22} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} {'renders':>8}")
    for mode, windows in results.items():
        for window, r in windows.items():
            print(f"{mode:<20} {window:<22} {r['requests']:>9} {r['rps']:>7.0f} {r['p50']:>7.1f} {r['p99']:>8.1f} "
                  f"{r['misses']:>8}")
            if r["non_2xx"] or r["socket_errors"]:
                failures.append(f"{mode}, {window}: {r['non_2xx']} non-2xx, {r['socket_errors']} socket errors")
    if failures:
        print("\n" + "\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
