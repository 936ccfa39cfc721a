"""Child processes of the benchmark: gunicorn, a Celery worker and a comment writer, each in its own process group."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.load import http_get

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class Child:
    """A child process started in a new session; ``stop`` ends exactly that process group."""

    def __init__(self, *, command: list[str], env: dict[str, str], logfile: Path) -> None:
        self.command, self.env, self.logfile = command, env, logfile
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        with self.logfile.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command lines
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        return self.logfile.read_text(errors="replace")[-size:] if self.logfile.exists() else ""

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


class Gunicorn(Child):
    """gunicorn with sync workers on 127.0.0.1 and a free port, as in production."""

    def __init__(self, *, env: dict[str, str], workers: int, logfile: Path) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "strategy_exchange.wsgi", "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120",
        ]  # fmt: skip
        super().__init__(command=command, env=env, logfile=logfile)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()

        def ready() -> bool:
            try:
                return http_get(url=f"{self.base_url}/healthz", timeout=2)[0] == 200
            except OSError:
                return False

        if not wait_until(ready, timeout=60, interval=0.2):
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{self.log_tail()}")

    def drain(self, timeout: float = 180) -> None:
        """Wait until requests a load generator left behind are done: the health check answers again."""
        with contextlib.suppress(OSError):
            http_get(url=f"{self.base_url}/healthz", timeout=timeout)


class CeleryWorker(Child):
    """One Celery worker (prefork pool of ``concurrency`` processes) on the default queue."""

    def __init__(self, *, env: dict[str, str], concurrency: int, logfile: Path) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "strategy_exchange", "worker", "--pool=prefork",
            f"--concurrency={concurrency}", "-Q", "celery", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel=INFO", f"--hostname=bench-{os.getpid()}@localhost",
        ]  # fmt: skip
        super().__init__(command=command, env=env, logfile=logfile)

    def start(self) -> None:
        super().start()
        if not wait_until(lambda: " ready." in self.log_tail(100_000) or not self.alive(), timeout=60, interval=0.2):
            self.stop()
            raise RuntimeError(f"Celery worker did not start:\n{self.log_tail()}")
        if not self.alive():
            raise RuntimeError(f"Celery worker exited:\n{self.log_tail()}")


class CommentWriter(Child):
    """``python -m bench.writer``: comments at the plan's rate through the comments service (bench/writer.py).
    It stops by itself when the plan's time or count is up; ``stop`` ends it earlier."""

    def __init__(self, *, env: dict[str, str], plan: dict, folder: Path, name: str) -> None:
        self.plan, self.plan_path, self.output = plan, folder / f"{name}-plan.json", folder / f"{name}.jsonl"
        command = [sys.executable, "-m", "bench.writer", str(self.plan_path), str(self.output)]
        super().__init__(command=command, env=env, logfile=folder / f"{name}.log")

    def records(self) -> list[dict]:
        if not self.output.exists():
            return []
        records = []
        for line in self.output.read_text().splitlines():
            with contextlib.suppress(ValueError):  # a line being written
                records.append(json.loads(line))
        return records

    def ready(self) -> bool:
        return any(entry.get("ready") for entry in self.records())

    def start(self) -> None:
        self.plan_path.parent.mkdir(parents=True, exist_ok=True)
        self.plan_path.write_text(json.dumps(self.plan) + "\n")
        self.output.unlink(missing_ok=True)
        super().start()
        wait_until(lambda: self.ready() or not self.alive(), timeout=60, interval=0.05)
        if not self.ready():
            self.stop()
            raise RuntimeError(f"the comment writer did not start:\n{self.log_tail()}")
