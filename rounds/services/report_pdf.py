"""The report as PDF (WeasyPrint): fonts shipped with the app, local stylesheet, nothing remote.

The PDF is laid out in a child process (:mod:`rounds.services.report_pdf_engine`) with a time limit,
so that a crash of the layout engine (it has died by SIGSEGV without fonts) ends only the child and
the build can count it as a failed attempt (:func:`rounds.services.reports.report_build`).

The document handed to WeasyPrint uses only ``static/css/report-print.css``, a small stylesheet made
for the PDF (not the site CSS), and the indentation between block-level tags is dropped first: it is
invisible in the rendering, but WeasyPrint parses it and builds (then discards) a text box for each run.

The PDF is tagged (structure tree, reading order, document language), so that screen readers can read
it as the accessibility rules for public bodies (BITV 2.0) ask of published documents.

Every document still gets a process of its own, but the process is started before the document is ready:
a build starts its engine first and renders the HTML while the engine loads WeasyPrint (about half a
second), and a worker keeps one engine started ahead ("spare", see :func:`pdf_engine_load`) that the next
build takes, so that a build does not wait for the engine to load at all. A spare that has died in the
meantime counts like an engine that crashed while laying out: the attempt fails and is retried.
"""

import atexit
import logging
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from rounds.models import FollowUpReport

logger = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static"

# Whitespace between two block-level tags (opening or closing) renders as nothing; text and inline tags
# (a, strong, em, time …) keep every space around them; so does <pre>, which is not in the list.
BLOCK_TAGS = (
    "html|head|body|meta|title|link|article|header|footer|section|nav|aside|main|div|h[1-6]|p|ul|ol|li|dl|dt|dd"
    "|blockquote|figure|figcaption|hr|table|caption|colgroup|col|thead|tbody|tfoot|tr|td|th"
)
BETWEEN_BLOCK_TAGS = re.compile(rf"(<(?:/)?(?:{BLOCK_TAGS})\b[^>]*>)\s+(?=</?(?:{BLOCK_TAGS})\b)", re.IGNORECASE)


def compact_block_whitespace(html: str) -> str:
    """``html`` without the whitespace runs that lie between two block-level tags."""
    return BETWEEN_BLOCK_TAGS.sub(r"\1", html)


class PdfEngineError(Exception):
    """The PDF engine's process failed: crashed, timed out or refused. ``str()`` is a readable reason."""


def engine_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "rounds.services.report_pdf_engine",
        "--static-dir",
        str(STATIC_DIR),
        "--fonts-dir",
        str(settings.REPORT_FONTS_DIR),
    ]


# How long a worker waits at its start for its first engine to be ready (loaded, fonts found).
ENGINE_READY_SECONDS = 60


@dataclass
class Engine:
    """A started engine process that waits for its document on stdin.

    ``ready`` is the read end of a pipe on which the engine writes one byte once it has loaded WeasyPrint
    and found its fonts (end of file instead: it ended before, e.g. refusing for want of fonts)."""

    process: subprocess.Popen
    command: list[str]
    ready: int

    def close_ready(self) -> None:
        if self.ready >= 0:
            os.close(self.ready)
            self.ready = -1

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the engine is ready; False when it ended before or did not get ready in ``timeout``."""
        if self.ready < 0:
            return self.process.poll() is None
        readable, _, _ = select.select([self.ready], [], [], timeout)
        signalled = bool(readable) and os.read(self.ready, 1) == b"1"
        self.close_ready()
        return signalled

    def close_pipes(self) -> None:
        self.close_ready()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    @property
    def stale(self) -> bool:
        """Started with other settings than those in force now."""
        return self.command != engine_command()

    def discard(self) -> None:
        """End an engine that will not get a document (stdin closed: it ends by itself once loaded)."""
        self.close_pipes()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def engine_start() -> Engine:
    """Start an engine process; it loads WeasyPrint and then waits for its document."""
    read_end, write_end = os.pipe()
    command = engine_command()
    try:
        process = subprocess.Popen(  # noqa: S603 - our own module, arguments from settings
            [*command, "--ready-fd", str(write_end)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(write_end,),
        )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return Engine(process=process, command=command, ready=read_end)


class _Spare:
    """This process's engine started ahead for the next build (only once :func:`pdf_engine_load` ran)."""

    lock = threading.Lock()
    enabled = False
    engine: Engine | None = None
    owner = 0


def _spare_forget_after_fork() -> None:
    """A forked child (a pool process) leaves its parent's spare to the parent and starts its own."""
    engine, _Spare.engine = _Spare.engine, None
    _Spare.lock = threading.Lock()
    if engine is not None:
        engine.close_pipes()
        _forgotten.append(engine)  # never waited for here: it is the parent's child


_forgotten: list[Engine] = []
os.register_at_fork(after_in_child=_spare_forget_after_fork)


@atexit.register
def _spare_discard() -> None:
    with _Spare.lock:
        engine, _Spare.engine = _Spare.engine, None
    if engine is not None and _Spare.owner == os.getpid():
        engine.discard()


def engine_prepare() -> Engine | None:
    """Make sure this process has a spare engine for its next build (started now, if needed, in the
    background). Does nothing unless the process has loaded the engine (:func:`pdf_engine_load`)."""
    if not _Spare.enabled:
        return None
    stale = None
    with _Spare.lock:
        engine = _Spare.engine
        if engine is not None and engine.stale:
            stale, engine = engine, None
        if engine is None:
            engine = _Spare.engine = engine_start()
            _Spare.owner = os.getpid()
    if stale is not None:
        stale.discard()
    return engine


def engine_take() -> Engine:
    """The engine for a build: the spare when there is one made with the current settings, else a new one."""
    with _Spare.lock:
        engine, _Spare.engine = _Spare.engine, None
    if engine is not None and engine.stale:
        engine.discard()
        engine = None
    return engine or engine_start()


def pdf_engine_load() -> None:
    """Start the first engine when a worker starts, and wait until it has loaded WeasyPrint (about a
    second, with its fonts and CSS machinery): a broken installation or missing fonts show at once in the
    worker's log, not in its first report, and the first build does not wait for the engine to load.
    From then on the process keeps one engine started ahead for its next build (:func:`engine_prepare`)."""
    _Spare.enabled = True
    engine = engine_prepare()
    if engine is None:
        return
    started = time.monotonic()
    if engine.wait_ready(ENGINE_READY_SECONDS):
        logger.info("PDF engine ready after %.2f s", time.monotonic() - started)
    else:
        logger.error("PDF engine not ready: it ended or did not start within %s s", ENGINE_READY_SECONDS)


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def run_engine(*, document: str, engine: Engine | None = None) -> bytes:
    """The PDF of the HTML ``document``, made by ``engine`` (or the next one, :func:`engine_take`) within
    the time limit. Raises :class:`PdfEngineError` when the child crashes, runs out of time or refuses."""
    timeout = settings.REPORT_BUILD_TIMEOUT_SECONDS
    engine = engine or engine_take()
    engine.close_ready()
    process = engine.process
    try:
        stdout, stderr = process.communicate(input=document.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        raise PdfEngineError(
            gettext("Die PDF-Erstellung hat das Zeitlimit von %(seconds)s Sekunden überschritten.")
            % {"seconds": timeout}
        ) from exc
    except BaseException:
        engine.discard()
        raise
    if process.returncode < 0:
        raise PdfEngineError(
            gettext("Die PDF-Erstellung ist abgestürzt (Signal %(signal)s).")
            % {"signal": _signal_name(-process.returncode)}
        )
    reason = _last_line(stderr)
    if process.returncode != 0:
        raise PdfEngineError(
            gettext("Die PDF-Erstellung ist fehlgeschlagen (Status %(status)s): %(reason)s")
            % {"status": process.returncode, "reason": reason or gettext("ohne Meldung")}
        )
    if not stdout.startswith(b"%PDF-"):
        raise PdfEngineError(gettext("Die PDF-Erstellung hat kein PDF geliefert."))
    if reason:
        logger.info("PDF engine: %s", reason)
    return stdout


def render_pdf(*, report: FollowUpReport, html: str, engine: Engine | None = None) -> bytes:
    """The complete PDF of a report whose HTML fragment (``<article>``) is ``html``, made by ``engine``
    (started by the caller before it rendered the HTML) or the next one. Afterwards the next spare is
    started, while the worker is idle or busy with the database."""
    round_ = report.round
    try:
        with translation.override("de"):
            document = render_to_string(
                "rounds/report/report_document.html",
                {"round": round_, "series": round_.series, "report": report, "report_html": mark_safe(html)},  # noqa: S308 - rendered by our template from sanitised parts
            )
            return run_engine(document=compact_block_whitespace(document), engine=engine)
    finally:
        engine_prepare()
