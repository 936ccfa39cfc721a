"""The Redis cache backend shares one client per connection pool (strategy_exchange.cache)."""

from django.conf import settings
from django.core.cache import caches

from strategy_exchange.cache import RedisCache
from tests.conftest import require


def test_one_client_serves_every_command():
    require(bool(settings.REDIS_URL), "needs Redis (REDIS_URL)")
    cache = caches["default"]
    assert isinstance(cache, RedisCache)

    cache.set("greeting", "Moin", 30)

    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    assert (cache.get("greeting"), cache.get_many(["greeting", "missing"])) == ("Moin", {"greeting": "Moin"})
