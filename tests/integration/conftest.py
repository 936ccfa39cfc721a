"""A real SMTP server, a real Redis broker and a real Celery worker process, started by the tests.

The worker reads the pytest-django test database (``transaction=True`` tests commit their rows, so the
worker sees them). Locally these tests skip without PostgreSQL and Redis; under ``CI=true`` they fail.
"""

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import icalendar
import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from strategy_exchange.celery import app as celery_app
from tests import mailcheck
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 30
# The sweep's timeouts in these tests; the worker reads the same (a batch stops in time before the sweep
# would take its claimed rows away), as in production where both read one settings module.
STUCK_SECONDS = 4


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1, tick=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick:
            tick()
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Records every accepted message; can answer 4xx for a while, 5xx for some addresses, or hold
    recipients at RCPT (so a test knows no message of a held session was accepted)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], bytes]] = []
        self.temporary_until = 0.0
        self.temporary_answers = 0
        self.rejected: set[str] = set()
        self.hold_after: int | None = None
        self.held = 0
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return "550 5.1.1 Mailbox unavailable"
        if time.monotonic() < self.temporary_until:
            with self.lock:
                self.temporary_answers += 1
            return "451 4.3.0 Please try again later"
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            with self.lock:
                self.held += 1
            while self.hold_after is not None:
                await asyncio.sleep(0.02)
            return "421 4.3.2 Service shutting down"
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    def recipients(self) -> Counter:
        with self.lock:
            return Counter(address for rcpt_tos, _content in self.messages for address in rcpt_tos)

    def subjects(self) -> Counter:
        """How often each recipient got each subject."""
        with self.lock:
            messages = list(self.messages)
        return Counter(
            (address, str(message_from_bytes(content, policy=policy.default)["Subject"]).strip())
            for rcpt_tos, content in messages
            for address in rcpt_tos
        )

    def problems(self) -> list[str]:
        """What is wrong with any accepted message (see tests/mailcheck.py)."""
        with self.lock:
            messages = list(self.messages)
        return [problem for _rcpt_tos, content in messages for problem in mailcheck.problems(content)]

    def calendars(self) -> dict[str, icalendar.Calendar]:
        """The calendar attachment of every message, by recipient."""
        result = {}
        with self.lock:
            messages = list(self.messages)
        for rcpt_tos, content in messages:
            parsed = message_from_bytes(content)
            parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
            assert len(parts) == 1
            assert parts[0].get_param("method") == "REQUEST"
            result[rcpt_tos[0]] = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
        return result


@pytest.fixture
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def _test_database_url(connection) -> str:
    conf = connection.settings_dict
    user = quote(conf.get("USER") or "")
    password = f":{quote(conf['PASSWORD'])}" if conf.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{conf['NAME']}"


@pytest.fixture
def services():
    require(os.environ.get("DATABASE_URL", "").startswith("postgres"), "needs PostgreSQL (DATABASE_URL)")
    require(bool(os.environ.get("REDIS_URL")), "needs Redis (REDIS_URL)")


def _use_broker(url: str) -> None:
    """Point this process's Celery app at ``url`` and stop running tasks eagerly."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    celery_app._after_fork()  # drop pooled connections to the previous broker


@pytest.fixture
def broker_url(services):
    """The shared Redis on a dedicated database number, emptied before and after each test."""
    url = os.environ["REDIS_URL"]
    parts = urlsplit(url)
    url = urlunsplit((parts.scheme, parts.netloc, "/5", "", ""))
    client = redis.Redis.from_url(url)
    client.flushdb()
    _use_broker(url)
    yield url
    _use_broker(django_settings.CELERY_BROKER_URL)
    celery_app.conf.task_always_eager = True
    client.flushdb()


class RedisServer:
    """A private redis-server without persistence, which a test may stop and start again."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir, self.process = port, workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        assert wait_until(lambda: _pings(client), timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def private_redis(services, tmp_path):
    require(shutil.which("redis-server") is not None, "needs redis-server")
    server = RedisServer(6390, tmp_path)
    server.start()
    _use_broker(server.url)
    yield server
    server.stop()
    _use_broker(django_settings.CELERY_BROKER_URL)
    celery_app.conf.task_always_eager = True


class Worker:
    """``celery worker`` as a child process in its own process group (so SIGKILL reaches the pool too)."""

    def __init__(self, env: dict[str, str], logfile: Path, concurrency: int = 2) -> None:
        self.env, self.logfile, self.process = env, logfile, None
        self.concurrency = concurrency

    def start(self) -> None:
        self.logfile.write_text("")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "strategy_exchange",
                "worker",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "-Q",
                "celery",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--logfile={self.logfile}",
                f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@localhost",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = wait_until(lambda: " ready." in self.logfile.read_text(), timeout=WORKER_READY_TIMEOUT)
        assert ready, self.logfile.read_text()[-3000:]

    def kill(self) -> None:
        """SIGKILL, no goodbye: the pool processes die mid-task."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(transactional_db, smtp_server, tmp_path):
    """Start a worker on a broker URL, sending through the test's SMTP server into the test database."""
    from django.db import connection

    _handler, port = smtp_server
    workers: list[Worker] = []

    def start(broker: str, concurrency: int = 2) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(connection),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": broker,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "10",
            "DELIVERY_RETRY_BASE_SECONDS": "1",
            "DELIVERY_RETRY_MAX_SECONDS": "2",
            "DELIVERY_MAX_ATTEMPTS": "30",
            "DELIVERY_STUCK_QUEUED_SECONDS": str(STUCK_SECONDS),
            "DELIVERY_STUCK_SENDING_SECONDS": str(STUCK_SECONDS),
            "WORKER_HEARTBEAT_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log", concurrency)
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()
