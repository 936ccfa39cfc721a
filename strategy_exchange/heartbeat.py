"""Workers' heartbeat: a row per worker with the time of its last sign of life, in the database (not the cache),
so the web can tell "no worker is running" from "the mail server refuses" without asking the broker."""

import datetime
import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from strategy_exchange.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

_stop = threading.Event()


def heartbeat_write(*, hostname: str) -> None:
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"beat_at": timezone.now()})


def _beat(hostname: str) -> None:
    while not _stop.is_set():
        try:
            heartbeat_write(hostname=hostname)
        except Exception:  # the database away for a moment: the next beat tries again
            logger.warning("Worker heartbeat not written", exc_info=True)
        finally:
            close_old_connections()
        _stop.wait(settings.WORKER_HEARTBEAT_SECONDS)


def heartbeat_start(*, hostname: str) -> threading.Thread:
    _stop.clear()
    thread = threading.Thread(target=_beat, args=(hostname,), name="worker-heartbeat", daemon=True)
    thread.start()
    return thread


def heartbeat_stop() -> None:
    _stop.set()


def heartbeat_latest() -> datetime.datetime | None:
    """The last sign of life of any worker, or None when no worker ever wrote one."""
    row = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    return row


def worker_alive(*, latest: datetime.datetime | None = None, now: datetime.datetime | None = None) -> bool:
    """True when some worker wrote its heartbeat within ``WORKER_HEARTBEAT_STALE_SECONDS``."""
    latest = heartbeat_latest() if latest is None else latest
    now = now or timezone.now()
    return latest is not None and now - latest <= datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
