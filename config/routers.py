"""Reads from a PostgreSQL read replica, writes to the primary (``DATABASE_REPLICA_URL``).

A replica lags its primary by a little, so whoever may just have written reads from the
primary too: a request with a session (an editor, the admin), a request that is not a
GET/HEAD, and the rest of any request (or command) once it has written anything. And for
``REPLICA_LAG_SECONDS`` after any write on any server (a timestamp in the shared cache),
every request reads from the primary: a page cached just after an edit is never built from
the replica's older copy. The rest of the time, anonymous visitors reading public pages,
the bulk of the traffic, are served by the replica.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

LAST_WRITE_KEY = "db:primary-until"

PRIMARY, REPLICA = "default", "replica"

_pinned = ContextVar("pinned_to_primary", default=False)


@contextmanager
def primary():
    """Everything read inside the block comes from the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return PRIMARY if _pinned.get() else REPLICA

    def db_for_write(self, model, **hints):
        _pinned.set(True)  # read your own writes; reset by PinPrimaryMiddleware for the next request
        cache.set(LAST_WRITE_KEY, time.time() + settings.REPLICA_LAG_SECONDS, settings.REPLICA_LAG_SECONDS + 1)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PinPrimaryMiddleware:
    """Each request starts unpinned, unless its visitor may just have written something."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writer = (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or (cache.get(LAST_WRITE_KEY) or 0) > time.time()
        )
        token = _pinned.set(writer)
        try:
            return self.get_response(request)
        finally:
            _pinned.reset(token)
