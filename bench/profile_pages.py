"""Where an uncached page's milliseconds go: SQL, template rendering, the rest of Python.

    .venv/bin/python bench/profile_pages.py                  # the pages of bench/load.py, on its dataset
    .venv/bin/python bench/profile_pages.py --page search --top 25
    .venv/bin/python bench/profile_pages.py --pstats var/profiles   # also writes one .pstats per page

Each page is requested through Django's test client (the whole middleware stack) with the
production settings and the page cache off (PAGE_CACHE_SECONDS=0, as ``bench/load.py
--no-cache``): ``--warmup`` requests, then ``--repeat`` measured ones under cProfile. Prints, per
request: the wall time, the time spent in SQL (every query, timed by a database execute
wrapper), the time spent rendering templates less the SQL run from inside them (lazy
querysets), and the rest (middleware, view, Python). With ``--top N``, the N functions with
the most time of their own. cProfile slows Python down (by about a third here): the split is
the meaningful figure, and the split is measured in a run without it (``profiled`` is the time per request under
cProfile).
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from admin import BENCH_ENV, prepare, sizes  # noqa: E402

LOAD_PAGES = ("home", "news list", "tag", "article", "event", "search", "news RSS",
              "people", "person", "agenda", "archives")


class Split:
    """SQL time, and template time with the SQL run inside templates taken out."""

    def __init__(self):
        self.sql = self.template = self.sql_in_template = 0.0
        self.queries = 0
        self.depth = 0
        self.by_query: dict[str, float] = {}

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.by_query[sql] = self.by_query.get(sql, 0.0) + spent
            self.sql += spent
            self.queries += 1
            if self.depth:
                self.sql_in_template += spent

    def wrap_render(self, render):
        def timed(template, *args, **kwargs):
            self.depth += 1
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                self.depth -= 1
                if not self.depth:
                    self.template += time.perf_counter() - started
        return timed


def main() -> int:
    parser = sizes()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--page", action="append", help="only this page (repeatable)")
    parser.add_argument("--top", type=int, default=0, help="print the N functions with the most own time")
    parser.add_argument("--queries", type=int, default=0, help="print the N slowest queries of each page")
    parser.add_argument("--pstats", help="a folder for one .pstats file per page (snakeviz, pstats)")
    args = parser.parse_args()
    os.environ.update(BENCH_ENV)
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    prepare(os.environ, args)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client
    from plans import public_pages

    pages = {name: url for name, url in public_pages().items() if name in (args.page or LOAD_PAGES)}
    if args.page and len(pages) != len(args.page):
        print(f"Unknown page; choose among: {', '.join(public_pages())}", file=sys.stderr)
        return 2
    if args.pstats:
        Path(args.pstats).mkdir(parents=True, exist_ok=True)
    client = Client()
    split = Split()
    Template.render = split.wrap_render(Template.render)
    failures = []
    print(f"{args.repeat} requests per page after {args.warmup}; milliseconds per request\n")
    print(f"{'page':<12} {'wall':>6} {'SQL':>6} {'queries':>8} {'templates':>10} {'Python':>7} {'profiled':>9}  path")
    for name, url in pages.items():
        for _ in range(args.warmup):
            if client.get(url).status_code != 200:
                failures.append(f"{name}: {url} did not answer 200")
                break
        split.__init__()
        started = time.perf_counter()
        with connection.execute_wrapper(split.execute):
            for _ in range(args.repeat):
                client.get(url)
        wall = (time.perf_counter() - started) * 1000 / args.repeat
        sql = split.sql * 1000 / args.repeat
        templates = (split.template - split.sql_in_template) * 1000 / args.repeat

        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.repeat):
            client.get(url)
        profile.disable()
        profiled = (time.perf_counter() - started) * 1000 / args.repeat
        print(f"{name:<12} {wall:>6.1f} {sql:>6.1f} {split.queries / args.repeat:>8.0f} "
              f"{templates:>10.1f} {wall - sql - templates:>7.1f} {profiled:>9.1f}  {url}")
        for sql_text, spent in sorted(split.by_query.items(), key=lambda item: -item[1])[: args.queries]:
            print(f"    {spent * 1000 / args.repeat:7.2f} ms  {sql_text[:300]}")
        if args.pstats:
            profile.dump_stats(Path(args.pstats) / f"{name.replace(' ', '-')}.pstats")
        if args.top:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
            lines = out.getvalue().splitlines()
            start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
            site_packages = str(Path(django.__file__).parent.parent) + "/"
            print("\n".join("    " + line.replace(site_packages, "").replace(str(BASE_DIR) + "/", "")
                             for line in lines[start:] if line.strip()))
            print()
    if failures:
        print("\n" + "\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
