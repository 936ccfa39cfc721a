"""The report as PDF (WeasyPrint): fonts shipped with the app, local stylesheet, nothing remote.

The PDF is laid out in a child process (:mod:`rounds.services.report_pdf_engine`) with a time limit,
so that a crash of the layout engine (it has died by SIGSEGV without fonts) ends only the child and
the build can count it as a failed attempt (:func:`rounds.services.reports.report_build`).

The document handed to WeasyPrint uses only ``static/css/report-print.css``, a small stylesheet made
for the PDF (not the site CSS), and the indentation between block-level tags is dropped first: it is
invisible in the rendering, but WeasyPrint parses it and builds (then discards) a text box for each run.

The PDF is tagged (structure tree, reading order, document language), so that screen readers can read
it as the accessibility rules for public bodies (BITV 2.0) ask of published documents.
"""

import logging
import re
import signal
import subprocess
import sys
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


def pdf_engine_load() -> None:
    """Import WeasyPrint (about a second, with its fonts and CSS machinery). Reports are laid out in a
    process of their own (:mod:`rounds.services.report_pdf_engine`); a worker loads the engine when it
    starts only to find a broken installation at once, not in its first report."""
    import weasyprint  # noqa: F401


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def run_engine(*, document: str) -> bytes:
    """The PDF of the HTML ``document``, made by the engine in a child process within the time limit.
    Raises :class:`PdfEngineError` when the child crashes, runs out of time or refuses."""
    timeout = settings.REPORT_BUILD_TIMEOUT_SECONDS
    try:
        completed = subprocess.run(  # noqa: S603 - our own module, arguments from settings
            engine_command(), input=document.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfEngineError(
            gettext("Die PDF-Erstellung hat das Zeitlimit von %(seconds)s Sekunden überschritten.")
            % {"seconds": timeout}
        ) from exc
    if completed.returncode < 0:
        raise PdfEngineError(
            gettext("Die PDF-Erstellung ist abgestürzt (Signal %(signal)s).")
            % {"signal": _signal_name(-completed.returncode)}
        )
    reason = _last_line(completed.stderr)
    if completed.returncode != 0:
        raise PdfEngineError(
            gettext("Die PDF-Erstellung ist fehlgeschlagen (Status %(status)s): %(reason)s")
            % {"status": completed.returncode, "reason": reason or gettext("ohne Meldung")}
        )
    if not completed.stdout.startswith(b"%PDF-"):
        raise PdfEngineError(gettext("Die PDF-Erstellung hat kein PDF geliefert."))
    if reason:
        logger.info("PDF engine: %s", reason)
    return completed.stdout


def render_pdf(*, report: FollowUpReport, html: str) -> bytes:
    """The complete PDF of a report whose HTML fragment (``<article>``) is ``html``."""
    round_ = report.round
    with translation.override("de"):
        document = render_to_string(
            "rounds/report/report_document.html",
            {"round": round_, "series": round_.series, "report": report, "report_html": mark_safe(html)},  # noqa: S308 - rendered by our template from sanitised parts
        )
        return run_engine(document=compact_block_whitespace(document))
