"""The measurements of one benchmark run, against the database Django is configured for."""

import argparse
import os
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
from django.db import connection

from bench.comments import (
    comment_windows_opened,
    comments_remove,
    targets_elsewhere,
    targets_into,
    writer_plan,
    written_between,
)
from bench.documents import documents_measure
from bench.fanout import fanout_measure
from bench.load import LoadResult, http_get, load_run, load_tool
from bench.pages import BARE, LARGEST_DISCUSSION, PAGES, READER, Page, Targets, targets_resolve
from bench.processes import CommentWriter, Gunicorn
from bench.queries import PageQueries, queries_measure
from bench.render import cold_render_measure
from bench.reports import report_build_measure
from bench.results import (
    COLD_RENDER_TARGET_MS,
    DISCUSSION_RATIO_TARGET,
    EXTRACTION_TARGET_S,
    FANOUT_TARGET,
    P99_TARGET_MS,
    RATIO_TARGET,
    REPORT_TARGET_S,
    SUGGESTIONS_TARGET_S,
    Result,
    checked,
    load_results,
    not_available,
    query_results,
    write_rate_result,
)
from bench.sessions import reader_cookies, session_cookie

__all__ = ["checked", "machine_results", "run_all", "session_cookie"]

SINGLE_REQUEST_TIMEOUT = 120
WRITE_RATE = 10.0  # comments/s into other rounds while each page is measured
DISCUSSION_WRITE_RATE = 1.0  # comments/s into the discussion measured
WRITER_SLACK_S = 30  # per page, on top of warm-up and load: the writers' time limit, which they never reach
COLD_RENDERS = 5


@dataclass(frozen=True)
class PageLoad:
    load: LoadResult
    single_ms: float  # one request on its own, before the load
    size: int
    started: float  # time.time() around the measured load (after the warm-up)
    ended: float


@dataclass(frozen=True)
class LoadOptions:
    duration: float
    warmup: float
    connections: int
    tool: str


def page_load(*, base_url: str, path: str, name: str, cookies: list[str], options: LoadOptions) -> PageLoad | Result:
    """Load one page for ``duration`` seconds after a warm-up, each request with one of ``cookies`` picked at
    random (the first one for the single request before); a Result explains why it was not loaded."""
    url = base_url + path
    started = time.perf_counter()
    try:
        status, body = http_get(url=url, cookie=cookies[0] if cookies else None, timeout=SINGLE_REQUEST_TIMEOUT)
    except TimeoutError:
        return Result(name, None, "", ok=False, note=f"no answer within {SINGLE_REQUEST_TIMEOUT} s: not measured")
    single_ms = (time.perf_counter() - started) * 1000
    if status != 200:
        return Result(name, None, "", note=f"status {status} for {path}: not measured")
    load = {"url": url, "cookies": cookies, "connections": options.connections, "tool": options.tool}
    if options.warmup:
        load_run(**load, duration=options.warmup)
    begin = time.time()
    measured = load_run(**load, duration=options.duration)
    return PageLoad(measured, single_ms, len(body), begin, time.time())


def pages_results(
    *,
    env: dict[str, str],
    targets: Targets,
    workers: int,
    options: LoadOptions,
    write_rate: float = WRITE_RATE,
    discussion_write_rate: float = DISCUSSION_WRITE_RATE,
    log: Callable[[str], None] = lambda message: None,
) -> list[Result]:
    """The bare view alone; every page while a writer puts ``write_rate`` comments/s into other rounds; then
    each discussion while a writer puts ``discussion_write_rate`` comments/s into it. Requests carry the
    sessions of up to 200 readers of the round (the organiser's one for the organiser pages)."""
    var = Path(env.get("VAR_DIR", "."))
    measured_rounds = {targets.round_id, targets.largest.round_id}
    elsewhere = targets_elsewhere(exclude_round_ids=measured_rounds)
    if not elsewhere:
        raise RuntimeError("no other round with accepted invitations to write comments into")
    discussions = [page for page in PAGES if page.thread is not None]
    per_page = options.warmup + options.duration + WRITER_SLACK_S
    roles = list(dict.fromkeys(page.role for page in PAGES))
    people = list(dict.fromkeys(user for role in roles for user in targets.user_ids(role)))
    sessions = dict(zip(people, reader_cookies(user_ids=people), strict=True))  # one login per person
    cookies = {role: [sessions[user] for user in targets.user_ids(role)] for role in roles}
    log(f"{len(sessions)} sessions: {', '.join(f'{len(each)} for the {role}' for role, each in cookies.items())}")
    server = Gunicorn(env=env, workers=workers, logfile=var / "gunicorn.log")
    run = _Run(env=env, targets=targets, options=options, cookies=cookies, var=var, server=server)
    comments_remove()
    results: list[Result] = []
    windows = {
        "round_ids": {target.round_id for target in elsewhere} | measured_rounds,
        "seconds": per_page * (len(PAGES) + len(discussions)),
        "journal": var / "comment-windows.json",
    }
    try:
        with comment_windows_opened(**windows) as widened, server:
            if widened:
                log("comment windows widened for the writers: " + "; ".join(widened))
            server.start()
            results += run.bare_results()
            rounds = len({target.round_id for target in elsewhere})
            where = f"into {len(elsewhere)} agenda items of {rounds} other rounds"
            log(f"writer: {write_rate:g} comments/s {where}")
            plan = writer_plan(targets=elsewhere, rate=write_rate, seconds=per_page * len(PAGES))
            with run.writer(plan=plan, name="writer-elsewhere") as writer:
                for page in PAGES:
                    targeted = page.acceptance
                    p99_target = page.p99_target_ms or (P99_TARGET_MS if targeted else None)
                    results += run.page_results(
                        page=page, writer=writer, rate=write_rate, where=where,
                        ratio_target=RATIO_TARGET if targeted else None, p99_target=p99_target,
                    )  # fmt: skip
            per_second = "comment/s" if discussion_write_rate == 1 else "comments/s"
            for page in discussions:
                log(f"writer: {discussion_write_rate:g} {per_second} into the {page.name}")
                into = targets_into(agenda_item_id=page.thread(targets).agenda_item_id)
                plan = writer_plan(targets=into, rate=discussion_write_rate, seconds=per_page)
                with run.writer(plan=plan, name="writer-discussion") as writer:
                    results += run.page_results(
                        page=page, writer=writer, rate=discussion_write_rate, where="into this discussion",
                        ratio_target=DISCUSSION_RATIO_TARGET, p99_target=None,
                        name=f"{page.name}, {discussion_write_rate:g} {per_second} into it", single=False,
                    )  # fmt: skip
    finally:
        removed = comments_remove()
        log(f"{removed} comments of the writers removed")
    return results


@dataclass
class _Run:
    """The pages' load against one server: who opens which page, and the writers beside it."""

    env: dict[str, str]
    targets: Targets
    options: LoadOptions
    cookies: dict[str, list[str]]
    var: Path
    server: Gunicorn
    bare: LoadResult | None = None

    def _load(self, *, path: str, name: str, cookies: list[str]) -> PageLoad | Result:
        self.server.drain()
        return page_load(base_url=self.server.base_url, path=path, name=name, cookies=cookies, options=self.options)

    def bare_results(self) -> list[Result]:
        """The bare view anonymously (the ceiling), then with the readers' sessions: what loading a session
        and its user adds to every page. No comments are written meanwhile."""
        path = BARE.url(self.targets)
        bare = self._load(path=path, name=BARE.name, cookies=[])
        if not isinstance(bare, PageLoad):
            raise RuntimeError(f"the bare view did not answer: {bare.note}")
        self.bare = bare.load
        results = load_results(name=BARE.name, load=bare.load, bare=None, note="no comments written")
        name = f"{BARE.name}, logged in"
        readers = self._load(path=path, name=name, cookies=self.cookies[READER])
        if isinstance(readers, Result):
            return [*results, readers]
        return results + load_results(name=name, load=readers.load, bare=self.bare, note="no comments written")

    @contextmanager
    def writer(self, *, plan: dict, name: str) -> Iterator[CommentWriter]:
        with CommentWriter(env={**os.environ, **self.env}, plan=plan, folder=self.var, name=name) as writer:
            writer.start()
            yield writer

    def page_results(
        self,
        *,
        page: Page,
        writer: CommentWriter,
        rate: float,
        where: str,
        ratio_target: float | None,
        p99_target: float | None,
        name: str | None = None,
        single: bool = True,
    ) -> list[Result]:
        """One page under load while ``writer`` writes, with the rate it achieved meanwhile."""
        name = name or page.name
        path = page.url(self.targets)
        if path is None:
            return [not_available(name, page.url_name)]
        measured = self._load(path=path, name=name, cookies=self.cookies[page.role])
        if isinstance(measured, Result):
            return [measured]
        seconds = measured.ended - measured.started
        written = written_between(writer.records(), start=measured.started, end=measured.ended)
        results = []
        if single:
            note = f"{measured.size:,} bytes of HTML"
            results.append(Result(f"{name}: single request", round(measured.single_ms, 1), "ms", note=note))
        note = f"{written / seconds if seconds else 0:.1f} comments/s written {where}"
        results += load_results(
            name=name, load=measured.load, bare=self.bare, ratio_target=ratio_target, p99_target=p99_target, note=note
        )
        results.append(write_rate_result(name=name, written=written, seconds=seconds, rate=rate, where=where))
        return results


def cold_render_results(*, targets: Targets, renders: int = COLD_RENDERS) -> list[Result]:
    """The largest thread rendered in-process with every cache emptied before each request; the median counts."""
    page = LARGEST_DISCUSSION
    name = f"{page.name}: cold render"
    path = page.url(targets)
    if path is None:
        return [not_available(name, page.url_name)]
    render = cold_render_measure(path=path, user_id=targets.user_id(page.role), renders=renders)
    timings = ", ".join(f"{each:.1f}" for each in render.milliseconds)
    note = (
        f"median of {renders} renders, each after cache.clear() ({timings} ms); {targets.largest.comments:,} "
        f"comments, {render.size:,} bytes of HTML"
    )
    result = checked(name, round(render.median_ms, 1), "ms", op="<=", limit=COLD_RENDER_TARGET_MS, note=note)
    if render.status != 200:
        result.ok, result.note = False, f"status {render.status} for {path}; " + result.note
    return [result]


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


def document_results() -> list[Result]:
    """Text of a 100-page strategy PDF, then suggestions for 30 clauses from its pages."""
    timing = documents_measure()
    extraction = checked(
        f"strategy text extraction, {timing.pages} pages",
        round(timing.extraction_seconds, 2),
        "s",
        op="<=",
        limit=EXTRACTION_TARGET_S,
        note=f"PDF {timing.pdf_bytes:,} bytes; state {timing.state}, {timing.stored_pages} pages stored",
    )
    if timing.state != "done" or timing.stored_pages != timing.pages:
        extraction.ok = False
    suggestions = checked(
        f"suggestions for {timing.clauses} clauses",
        round(timing.suggestions_seconds, 3),
        "s",
        op="<=",
        limit=SUGGESTIONS_TARGET_S,
        note=f"{timing.suggestions} suggestions from {timing.stored_pages} pages",
    )
    if not timing.suggestions:
        suggestions.ok = False
    return [extraction, suggestions]


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
    targets = targets_resolve(readers=args.readers)
    log(f"targets: {targets.describe()}")
    results = query_results(small=small, scale=queries_measure(targets=targets))
    results += targets_results(targets=targets, readers=args.readers)
    tool = load_tool(preferred=args.load)
    log(f"pages: {args.duration:g} s each with {tool}, {args.connections} connections, {args.workers} workers")
    options = LoadOptions(duration=args.duration, warmup=args.warmup, connections=args.connections, tool=tool)
    results += pages_results(
        env=env,
        targets=targets,
        workers=args.workers,
        options=options,
        write_rate=args.write_rate,
        discussion_write_rate=args.discussion_write_rate,
        log=log,
    )
    log(f"cold render of the largest thread, {args.cold_renders} times")
    results += cold_render_results(targets=targets, renders=args.cold_renders)
    log("report build")
    results += report_results(targets=targets)
    log("strategy documents: text extraction and suggestions")
    results += document_results()
    log(f"fan-out of {args.fanout} invitations")
    results += fanout_results(env=env, targets=targets, count=args.fanout, concurrency=args.fanout_concurrency)
    return results


def targets_results(*, targets: Targets, readers: int) -> list[Result]:
    """Who reads: fewer readers than asked for when a round has fewer accepted invitations."""
    results = []
    for label, thread in (("benchmark round", targets.thread), ("round of the largest thread", targets.largest)):
        note = f"round {thread.round_id}, clause {thread.clause_number}: {thread.comments:,} comments"
        if len(thread.readers) < readers:
            note += f"; only {len(thread.readers)} accepted invitations, not {readers}"
        results.append(Result(f"readers of the {label}", len(thread.readers), "sessions", note=note))
    return results
