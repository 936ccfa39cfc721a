"""Django's Redis cache backend with one ``redis.Redis`` client per connection pool.

Django's client builds a new ``redis.Redis`` for every cache command, and with it the client's table of
some two hundred response callbacks; on a page that reads five cache keys that was a third of the time
spent outside the view. A ``redis.Redis`` is thread-safe and only borrows connections from its pool, so
one per pool is shared by every command.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
