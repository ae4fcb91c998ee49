"""Production serving: ``gunicorn -c config/gunicorn.py config.wsgi`` (see docs/performance.md).

Every value can be changed from the environment, e.g. WEB_CONCURRENCY=9.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# A page is CPU work (or a cache hit): twice the cores plus one keeps the cores busy while
# some workers wait on PostgreSQL or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))  # gthread also keeps client connections alive
keepalive = 5
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a participant export streams: rows flow, no timeout
graceful_timeout = 30
# Recycle workers now and then (bounded memory over months); 0 never does.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Django is imported once, before forking: workers start (and restart) in milliseconds.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front (nginx, Caddy) sets X-Forwarded-Proto; trust it from that address only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens a control socket under ~/.gunicorn by default; a web server needs none.
control_socket_disable = True
