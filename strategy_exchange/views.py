import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from django_redis.cache import RedisCache

from strategy_exchange.celery import app as celery_app

HEALTH_KEY = "healthz"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return "down"
    return "ok"


def cache_state() -> str:
    """A real write and read. With Redis its client is asked directly: the cache itself turns a Redis that
    is down into misses (DJANGO_REDIS_IGNORE_EXCEPTIONS)."""
    cache = caches["default"]
    token = uuid.uuid4().hex
    try:
        if isinstance(cache, RedisCache):
            client = cache.client.get_client(write=True)
            key = cache.make_key(HEALTH_KEY)
            client.set(key, token, ex=60)
            found = client.get(key)
            found = found.decode() if isinstance(found, bytes) else found
        else:
            cache.set(HEALTH_KEY, token, 60)
            found = cache.get(HEALTH_KEY)
    except Exception:
        return "down"
    return "ok" if found == token else "down"


def broker_state() -> str:
    """Whether a new connection reaches the broker; "eager" when jobs run in-process (no broker)."""
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        options = {"socket_timeout": settings.REDIS_SOCKET_TIMEOUT}
        with celery_app.connection_for_write(transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    except Exception:
        return "down"
    return "ok"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker compose: the database, the cache and the broker, each "ok" or
    "down" (the broker "eager" when jobs run in-process). Only a database that is down makes the answer
    503: without the cache pages are rendered afresh, and what could not be handed to a broker that is
    down stays queued in the database for the periodic sweep."""
    database = database_state()
    return JsonResponse(
        {
            "status": "ok" if database == "ok" else "down",
            "database": database,
            "cache": cache_state(),
            "broker": broker_state(),
        },
        status=200 if database == "ok" else 503,
    )
