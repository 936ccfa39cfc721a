"""The measurements of one benchmark run, against the database Django is configured for."""

import argparse
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

from bench.fanout import fanout_measure
from bench.load import LoadResult, http_get, load_run, load_tool
from bench.pages import BARE, PAGES, Page, Targets, targets_resolve
from bench.processes import Gunicorn
from bench.queries import PageQueries, logged_in_client, queries_measure
from bench.reports import report_build_measure
from bench.results import FANOUT_TARGET, REPORT_TARGET_S, Result, checked, load_results, not_available, query_results

__all__ = ["checked", "machine_results", "run_all"]

SINGLE_REQUEST_TIMEOUT = 120


def session_cookie(*, user_id: int | None) -> str | None:
    """A real session of the user in the database the server reads, as a Cookie header value."""
    if user_id is None:
        return None
    client = logged_in_client(user_id=user_id)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@dataclass(frozen=True)
class PageLoad:
    load: LoadResult
    single_ms: float  # one request on its own, before the load
    size: int


def page_load(
    *, base_url: str, page: Page, targets: Targets, duration: float, warmup: float, connections: int, tool: str
) -> PageLoad | Result:
    """Load one page for ``duration`` seconds after a warm-up; a Result explains why it was not loaded."""
    path = page.url(targets)
    if path is None:
        return not_available(page.name, page.url_name)
    cookie = session_cookie(user_id=targets.user_id(page.role))
    started = time.perf_counter()
    try:
        status, body = http_get(url=base_url + path, cookie=cookie, timeout=SINGLE_REQUEST_TIMEOUT)
    except TimeoutError:
        return Result(page.name, None, "", ok=False, note=f"no answer within {SINGLE_REQUEST_TIMEOUT} s: not measured")
    single_ms = (time.perf_counter() - started) * 1000
    if status != 200:
        return Result(page.name, None, "", note=f"status {status} for {path}: not measured")
    if warmup:
        load_run(url=base_url + path, cookie=cookie, duration=warmup, connections=connections, tool=tool)
    load = load_run(url=base_url + path, cookie=cookie, duration=duration, connections=connections, tool=tool)
    return PageLoad(load, single_ms, len(body))


def pages_results(
    *, env: dict[str, str], targets: Targets, workers: int, duration: float, warmup: float, connections: int, tool: str
) -> list[Result]:
    """Every page under load, from the page cache as one reader reloads it; then the acceptance pages with
    the page cache off, rendered for each request as for a reader who comes after a write (no target)."""
    options = {"targets": targets, "duration": duration, "warmup": warmup, "connections": connections, "tool": tool}
    var = Path(env.get("VAR_DIR", "."))
    with Gunicorn(env=env, workers=workers, logfile=var / "gunicorn.log") as server:
        server.start()
        bare = page_load(base_url=server.base_url, page=BARE, **options)
        if not isinstance(bare, PageLoad):
            raise RuntimeError(f"the bare view did not answer: {bare.note}")
        results = load_results(name=BARE.name, load=bare.load, bare=None, acceptance=False)
        results += _pages_loaded(server=server, pages=PAGES, bare=bare.load, options=options)
    rendered_env = {**env, "PAGE_CACHE_SECONDS": "0"}
    with Gunicorn(env=rendered_env, workers=workers, logfile=var / "gunicorn-rendered.log") as server:
        server.start()
        acceptance = [page for page in PAGES if page.acceptance]
        results += _pages_loaded(server=server, pages=acceptance, bare=bare.load, options=options, rendered=True)
    return results


def _pages_loaded(
    *, server: Gunicorn, pages: list[Page], bare: LoadResult, options: dict, rendered: bool = False
) -> list[Result]:
    results = []
    for page in pages:
        server.drain()
        measured = page_load(base_url=server.base_url, page=page, **options)
        if isinstance(measured, Result):
            results.append(measured)
        elif rendered:
            name = f"{page.name}, rendered each time"
            results += load_results(name=name, load=measured.load, bare=bare, acceptance=False)
        else:
            note = f"{measured.size:,} bytes of HTML"
            results.append(Result(f"{page.name}: single request", round(measured.single_ms, 1), "ms", note=note))
            results += load_results(name=page.name, load=measured.load, bare=bare, acceptance=page.acceptance)
    return results


REPORT_BUILDS = 3


def report_results(*, targets: Targets) -> list[Result]:
    """The median of three builds: one build alone swings by a fifth with what else the machine does."""
    timings = [report_build_measure(round_id=targets.round_id) for _ in range(REPORT_BUILDS)]
    timing = sorted(timings, key=lambda each: each.seconds)[len(timings) // 2]
    seconds = ", ".join(f"{each.seconds:.2f}" for each in timings)
    note = f"median of {len(timings)} builds ({seconds} s); HTML {timing.html_bytes:,} bytes, PDF {timing.pdf_bytes:,} bytes"
    name = f"report build (HTML + PDF), {timing.comments} comments"
    result = checked(name, round(timing.seconds, 2), "s", op="<=", limit=REPORT_TARGET_S, note=note)
    if not all(each.built and each.pdf_bytes for each in timings):
        result.ok = False
        result.note += "; report not built completely"
    return [result]


def fanout_results(*, env: dict[str, str], targets: Targets, count: int, concurrency: int) -> list[Result]:
    measured = fanout_measure(
        round_id=targets.round_id,
        count=count,
        broker_url=env["REDIS_URL"],
        worker_env={**os.environ, **env},
        concurrency=concurrency,
        logfile=Path(env.get("VAR_DIR", ".")) / "worker.log",
    )
    note = (
        f"{measured.invitations} invitations in {measured.seconds:.1f} s, one worker with {concurrency} "
        f"process(es); sent {measured.sent}, failed {measured.failed}, received by SMTP {measured.received}"
    )
    rate = round(measured.messages_per_second, 1)
    result = checked("invitation fan-out", rate, "messages/s", op=">=", limit=FANOUT_TARGET, note=note)
    if measured.sent != measured.invitations:
        result.ok = False
    return [result]


def machine_results() -> list[Result]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    memory_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")), 0
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        database = cursor.fetchone()[0].split(" on ")[0]
    note = f"{cpu}; {database}; Python {platform.python_version()}, Django {django.get_version()}"
    return [
        Result("machine: CPU cores", os.cpu_count() or 0, "cores", note=note),
        Result("machine: memory", round(memory_kb / 1024 / 1024, 1), "GiB"),
        Result("machine: Python reference loop", python_reference_ms(), "ms", note=REFERENCE_NOTE),
    ]


REFERENCE_NOTE = "10 million additions in a pure Python loop, best of 3: compares the speed of machines"


def python_reference_ms() -> float:
    def loop() -> float:
        started = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        return time.perf_counter() - started

    return round(min(loop() for _ in range(3)) * 1000, 1)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def run_all(
    *, args: argparse.Namespace, env: dict[str, str], small: list[PageQueries], log: Callable[[str], None]
) -> list[Result]:
    targets = targets_resolve()
    log(f"targets: {targets}")
    results = query_results(small=small, scale=queries_measure(targets=targets))
    tool = load_tool(preferred=args.load)
    log(f"pages: {args.duration:g} s each with {tool}, {args.connections} connections, {args.workers} workers")
    results += pages_results(
        env=env,
        targets=targets,
        workers=args.workers,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        tool=tool,
    )
    log("report build")
    results += report_results(targets=targets)
    log(f"fan-out of {args.fanout} invitations")
    results += fanout_results(env=env, targets=targets, count=args.fanout, concurrency=args.fanout_concurrency)
    return results
