"""The content generation: one token that changes whenever public content changes.

Cached pages are filed under the token read at the start of the request (``pages/cache.py``),
so a change makes every page cached before it unreachable, in every process at once.

The token lives in the database, in the row ``ContentGeneration(id=1)``, and database
triggers change it in the same transaction as the content: an admin save, a bulk
``QuerySet.update()``, a management command, ``manage.py shell``, another server sharing the
database, even SQL typed into ``dbshell``. There is nothing to remember and no window where
the content has changed but the token has not.

Which tables count: those of the apps in ``settings.CONTENT_APPS`` (with their many-to-many
tables), less the models in ``settings.CONTENT_EXCLUDED_MODELS``. ``install_triggers()`` runs
after every ``migrate`` and puts each table in that state, whatever migrations did before.

* SQLite: a row trigger per table and operation sets a new random token.
* PostgreSQL: a deferred constraint trigger sets it once per transaction, at commit. Taking the
  token's row lock last means two concurrent editors can never deadlock on it; ``TRUNCATE``
  has a statement trigger of its own.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, router
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import ContentGeneration

TABLE = ContentGeneration._meta.db_table
SQLITE_OPERATIONS = ("INSERT", "UPDATE", "DELETE")

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION core_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- Deferred triggers all fire in the statement that commits: once for the whole transaction
    -- (a bulk insert of a million rows changes the token once).
    firing text := txid_current()::text || ' ' || statement_timestamp()::text;
BEGIN
    IF current_setting('core.content_changed_in', true) = firing THEN
        RETURN NULL;
    END IF;
    UPDATE {TABLE} SET value = replace(gen_random_uuid()::text, '-', '') WHERE id = 1;
    PERFORM set_config('core.content_changed_in', firing, true);
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGERS = {
    "content_changed": (
        'CREATE CONSTRAINT TRIGGER content_changed AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_content_changed()"
    ),
    "content_truncated": (
        'CREATE TRIGGER content_truncated AFTER TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION core_content_changed()"
    ),
}


def current_generation() -> str:
    """The token as the database that serves the pages sees it now: one primary-key read.

    Read on every anonymous request, so in plain SQL (the ORM would cost more than the query),
    and it doubles as the connection's health check: Django's (CONN_HEALTH_CHECKS) is a round
    trip of its own. A persistent connection the server dropped (a restart) is opened again.
    """
    connection = connections[router.db_for_read(ContentGeneration)]
    check = connection.health_check_enabled and not connection.health_check_done and not connection.in_atomic_block
    connection.health_check_done = True
    try:
        row = _read_generation(connection)
    except (OperationalError, InterfaceError):
        if not check:
            raise
        connection.close()
        row = _read_generation(connection)
    if row is None:  # a flushed or restored database without the row
        using = router.db_for_write(ContentGeneration)
        ContentGeneration.objects.using(using).bulk_create(
            [ContentGeneration(pk=1, value=uuid.uuid4().hex)], ignore_conflicts=True
        )
        return ContentGeneration.objects.using(using).values_list("value", flat=True).get(pk=1)
    return row[0]


_scope: ContextVar[dict | None] = ContextVar("content_generation_scope", default=None)


@contextmanager
def one_generation() -> Iterator[None]:
    """Inside, the generation is read once (a request, from pages/cache.py): the page's key and
    every value remembered while the page is built agree on it, for one query."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def generation_now() -> str:
    """The generation: read once within ``one_generation()``, else read now."""
    scope = _scope.get()
    if scope is None:
        return current_generation()
    if "value" not in scope:
        scope["value"] = current_generation()
    return scope["value"]


T = TypeVar("T")
logger = logging.getLogger(__name__)
REMEMBER_SECONDS = 3600  # an upper bound: any change of content forgets it at once


def remember(name: str, compute: Callable[[], T]) -> T:
    """A value computed from public content (a list's count, a filter's choices), kept until it may change.

    Filed under the current generation, like the cached pages: any change of content, from
    any process, makes it unreachable at once. Kept at most until the next instant public
    content changes by itself (a scheduled article going public: ``settings.CONTENT_VALID_UNTIL``
    tells when), so what a page shows beside it always agrees with it. ``name`` says what the
    value is, whatever the time of day (the query's own parameters hold the current time).
    Works whether the page cache is on or off; without a cache server, each process keeps its own.
    """
    generation = generation_now()
    key = f"remember:{generation}:{hashlib.sha256(name.encode()).hexdigest()}"  # any text: a search
    try:
        entry = cache.get(key)
    except CACHE_DOWN as error:
        logger.warning("Cache unavailable: %s", error)
        return compute()
    now = timezone.now().timestamp()  # the clock of the pages and of publishing
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    try:
        until = import_string(settings.CONTENT_VALID_UNTIL)(generation)  # itself memoised in the cache
        if (timeout := min(until - now, REMEMBER_SECONDS)) >= 1:
            cache.set(key, (until, value), int(timeout))
    except CACHE_DOWN as error:
        logger.warning("Cache unavailable: %s", error)
    return value


def _redis_errors() -> tuple:
    try:
        from redis.exceptions import RedisError
    except ImportError:
        return ()
    return (RedisError,)


CACHE_DOWN = (ConnectionError, TimeoutError, OSError, *_redis_errors())


def _read_generation(connection) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        return cursor.fetchone()


def content_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """A new token now, for changes the triggers cannot see (a whole database restored)."""
    ContentGeneration.objects.using(using).update_or_create(pk=1, defaults={"value": uuid.uuid4().hex})


def content_tables() -> list[str]:
    excluded = {label.lower() for label in settings.CONTENT_EXCLUDED_MODELS}
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in settings.CONTENT_APPS
            and model._meta.label_lower not in excluded
            and model._meta.managed
            and not model._meta.proxy
        }
    )


def install_triggers(using: str = DEFAULT_DB_ALIAS, **_signal_arguments) -> None:
    """Every content table, and only those, changes the token; idempotent."""
    connection = connections[using]
    existing_tables = set(connection.introspection.table_names())
    if TABLE not in existing_tables:
        return
    wanted = {table for table in content_tables() if table in existing_tables}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _install_sqlite(cursor, wanted)
        elif connection.vendor == "postgresql":
            _install_postgresql(cursor, wanted)


def remove_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """Before the token's table goes (its migration unapplied): no trigger may point at it."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _install_sqlite(cursor, set())
        elif connection.vendor == "postgresql":
            _install_postgresql(cursor, set())
            cursor.execute("DROP FUNCTION IF EXISTS core_content_changed()")


def _install_sqlite(cursor, wanted: set[str]) -> None:
    cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'content\\_%' ESCAPE '\\'")
    present = {name: table for name, table in cursor.fetchall()}
    for name, table in present.items():
        if table not in wanted:
            cursor.execute(f'DROP TRIGGER "{name}"')
    for table in wanted:
        for operation in SQLITE_OPERATIONS:
            name = f"content_{operation.lower()}_{table}"
            if name not in present:
                cursor.execute(
                    f'CREATE TRIGGER "{name}" AFTER {operation} ON "{table}" BEGIN '
                    f"UPDATE {TABLE} SET value = lower(hex(randomblob(16))) WHERE id = 1; END"
                )


def _install_postgresql(cursor, wanted: set[str]) -> None:
    cursor.execute(POSTGRES_FUNCTION)
    cursor.execute(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = ANY(%s) AND pg_table_is_visible(c.oid)",
        [list(POSTGRES_TRIGGERS)],
    )
    present = set(cursor.fetchall())
    for name, table in present:
        if table not in wanted:
            cursor.execute(f'DROP TRIGGER {name} ON "{table}"')
    for table in wanted:
        for name, statement in POSTGRES_TRIGGERS.items():
            if (name, table) not in present:
                cursor.execute(statement.format(table=table))
