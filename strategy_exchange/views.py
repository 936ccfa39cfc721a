import smtplib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from django_redis.cache import RedisCache

from strategy_exchange.celery import app as celery_app
from strategy_exchange.heartbeat import heartbeat_latest, worker_alive

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


def worker_state() -> tuple[str, str | None]:
    """ "ok" when a worker wrote its heartbeat within ``WORKER_HEARTBEAT_STALE_SECONDS``, else "down" ("eager"
    when jobs run in-process); with the time of the last heartbeat (ISO 8601) or None."""
    try:
        latest = heartbeat_latest()
    except Exception:
        return "down", None
    when = latest.isoformat() if latest else None
    if celery_app.conf.task_always_eager:
        return "eager", when
    return ("ok" if latest and worker_alive(latest=latest) else "down"), when


def smtp_state() -> str:
    """Whether the mail server answers with its greeting; "unused" when mail does not go out over SMTP."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return "unused"
    client = smtplib.SMTP_SSL if getattr(settings, "EMAIL_USE_SSL", False) else smtplib.SMTP
    try:
        with client(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=2) as server:
            server.noop()
    except (OSError, smtplib.SMTPException):
        return "down"
    return "ok"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker compose: the database, the cache, the broker, the workers' heartbeat
    and the mail server, each "ok" or "down" (broker and worker "eager" when jobs run in-process, the mail
    server "unused" without SMTP). Only a database that is down makes the answer 503: without the cache pages
    are rendered afresh, and what could not be handed to a broker, a worker or the mail server stays queued
    in the database (the outbox) until they are back."""
    database = database_state()
    worker, last_beat = worker_state() if database == "ok" else ("down", None)
    return JsonResponse(
        {
            "status": "ok" if database == "ok" else "down",
            "database": database,
            "cache": cache_state(),
            "broker": broker_state(),
            "worker": worker,
            "worker_heartbeat": last_beat,
            "smtp": smtp_state(),
        },
        status=200 if database == "ok" else 503,
    )
