"""config/redis.py leans on three private names of Django 5.2's Redis backend: pinned here.

On a Django upgrade this test fails first, with the names to check, rather than the cache
silently building a client per call again (or crashing in production).
"""

import inspect

import django
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.test import SimpleTestCase

from config.redis import RedisCache, RedisCacheClient


class PrivateApiTests(SimpleTestCase):
    def test_the_private_names_config_redis_uses_are_still_there(self):
        self.assertEqual(
            django.VERSION[:2], (5, 2),
            "config/redis.py overrides RedisCacheClient._get_connection_pool(write), ._client and "
            "RedisCache._class of Django 5.2: check them in the new version, then update this test.",
        )
        self.assertEqual(list(inspect.signature(DjangoRedisCacheClient._get_connection_pool).parameters), ["self", "write"])
        client = DjangoRedisCacheClient(["redis://127.0.0.1:6379/15"])
        self.assertIs(client._client, redis.Redis)
        self.assertIs(DjangoRedisCache("redis://127.0.0.1:6379/15", {})._class, DjangoRedisCacheClient)

    def test_one_client_per_connection_pool_without_a_server(self):
        """Building clients opens no connection: checked without Redis running."""
        cache = RedisCache("redis://127.0.0.1:6379/15", {})
        self.assertIsInstance(cache._cache, RedisCacheClient)
        first = cache._cache.get_client("a")
        self.assertIs(cache._cache.get_client("b"), first)
        self.assertIs(cache._cache.get_client("c", write=True), first)  # one server: one pool
