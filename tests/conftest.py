import shutil
import tempfile

import pytest


@pytest.fixture(autouse=True)
def media_root(settings):
    """Every test writes uploads and renditions to its own temporary MEDIA_ROOT."""
    path = tempfile.mkdtemp(prefix="bassin-media-")
    settings.MEDIA_ROOT = path
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """Pages cached by one test (pages/cache.py) never answer another; the test database is
    rolled back after each test, the cache is not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def content_generation_at_each_statement(request):
    """On PostgreSQL the content generation changes at commit (a deferred trigger,
    core/generation.py), and a TestCase never commits: inside one, each statement counts
    as committed, as each request's transaction would be in production."""
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS content_changed IMMEDIATE")
    yield
