"""Beyond one machine: what several app servers must share is not kept in process memory."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import cache_from_url


def test_a_redis_url_gives_djangos_redis_cache():
    assert cache_from_url("redis://127.0.0.1:6379/3") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
    }


def test_without_a_url_each_process_has_a_local_memory_cache():
    assert cache_from_url("")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_cache_url_of_another_kind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        cache_from_url("memcached://127.0.0.1:11211")


def test_sessions_live_in_the_database_every_instance_reads():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
