"""django-redis, with the sign-in rate limits kept in process memory while Redis is down.

With ``DJANGO_REDIS_IGNORE_EXCEPTIONS`` a Redis that is down makes every read a miss and drops every
write, which suits cached HTML and sessions (they come from the database). It does not suit
django-allauth's rate limits: each check first takes a lock with ``cache.add()``, which then never
succeeds, so every sign-in would be refused as "too many requests". Their keys (``allauth:rl:…``) go to
a memory cache of this process instead, for as long as Redis does not answer: signing in works and is
still limited, per process rather than for all of them.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted

LOCAL_WHEN_DOWN = ("allauth:rl:",)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"redis-fallback-{id(self)}", {"MAX_ENTRIES": 10_000})

    def _or_local(self, key, name: str, *args):
        try:
            return getattr(self.client, name)(key, *args)
        except ConnectionInterrupted as exc:
            if not self._ignore_exceptions:
                raise exc.__cause__ from None
            if self._log_ignored_exceptions:
                self.logger.warning("Redis unavailable: sign-in rate limits kept in this process's memory")
            return getattr(self._local, name)(key, *args)

    def get(self, key, default=None, version=None, client=None):
        if key.startswith(LOCAL_WHEN_DOWN):
            return self._or_local(key, "get", default, version)
        return super().get(key, default, version, client)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        if key.startswith(LOCAL_WHEN_DOWN):
            return self._or_local(key, "add", value, timeout, version)
        return super().add(key, value, timeout, version, client)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None, **kwargs):
        if key.startswith(LOCAL_WHEN_DOWN) and not kwargs:
            return self._or_local(key, "set", value, timeout, version)
        return super().set(key, value, timeout, version, client, **kwargs)

    def delete(self, key, version=None, prefix=None, client=None):
        if key.startswith(LOCAL_WHEN_DOWN):
            return bool(self._or_local(key, "delete", version))
        return super().delete(key, version, prefix, client)
