"""The report as PDF (WeasyPrint): local fonts (DejaVu via fontconfig), local stylesheet, nothing remote.

The document handed to WeasyPrint uses only ``static/css/report-print.css``, a small stylesheet made
for the PDF (not the site CSS), and the indentation between block-level tags is dropped first: it is
invisible in the rendering, but WeasyPrint parses it and builds (then discards) a text box for each run.

The PDF is tagged (structure tree, reading order, document language), so that screen readers can read
it as the accessibility rules for public bodies (BITV 2.0) ask of published documents.
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from rounds.models import FollowUpReport

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


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetchingError

    class StaticOnlyFetcher(URLFetcher):
        """Fetches only files below static/: a report never reaches out to the network or the file system."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.scheme != "file" or not path.is_relative_to(STATIC_DIR.resolve()):
                raise URLFetchingError(f"Not fetched: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file"})


def pdf_engine_load() -> None:
    """Import WeasyPrint (about a second, with its fonts and CSS machinery). It is imported only where a
    PDF is made, so that web processes do not carry it; Celery workers load it when they start."""
    import weasyprint  # noqa: F401


def render_pdf(*, report: FollowUpReport, html: str) -> bytes:
    """The complete PDF of a report whose HTML fragment (``<article>``) is ``html``."""
    from weasyprint import HTML

    round_ = report.round
    with translation.override("de"):
        document = render_to_string(
            "rounds/report/report_document.html",
            {"round": round_, "series": round_.series, "report": report, "report_html": mark_safe(html)},  # noqa: S308 - rendered by our template from sanitised parts
        )
    fetcher = _static_only_fetcher()
    return HTML(
        string=compact_block_whitespace(document), base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(custom_metadata=True, pdf_tags=True)
